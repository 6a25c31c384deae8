from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources import snapshot
from sources.parsing import DataFileError


class Command(BaseCommand):
    help = "Rebuild data/snapshot from the full public data folder (reproducible: same input, same bytes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, default=settings.ROLESCOPE_DATA_DIR)
        parser.add_argument("--destination", type=Path, default=settings.ROLESCOPE_SNAPSHOT_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = snapshot.build(options["source"], options["destination"])
        except DataFileError as exc:
            raise CommandError(str(exc)) from exc
        total = sum((options["destination"] / str(entry["file"])).stat().st_size for entry in entries)
        self.stdout.write(f"Wrote {len(entries)} files, {total / 1e6:.1f} MB, to {options['destination']}")
