import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test import Client


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema to openapi.json (committed, and compared with the code by a test)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        response = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0]).get("/api/v1/openapi.json")
        schema = response.json()
        options["output"].write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"Wrote {options['output']} ({len(schema['paths'])} paths).")
