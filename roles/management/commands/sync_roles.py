from typing import Any

from django.core.management.base import BaseCommand

from roles.services import curated_roles_load, roles_sync


class Command(BaseCommand):
    help = "Create a role for every detailed occupation that has none, and load the curated roles."

    def handle(self, *args: Any, **options: Any) -> None:
        created = roles_sync()
        curated = curated_roles_load()
        self.stdout.write(f"{created} roles created; {curated} curated roles loaded.")
