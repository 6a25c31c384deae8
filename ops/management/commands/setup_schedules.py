from typing import Any

from django.core.management.base import BaseCommand

from ops.schedules import schedules_ensure


class Command(BaseCommand):
    help = (
        "Create or update the background worker's recurring jobs by name (each app registers its own, "
        "lib.schedules): posting expiry, session cleanup, forgetting old Idempotency-Keys, resuming stalled feed "
        "imports. Safe to run on every start."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, outcome in schedules_ensure().items():
            self.stdout.write(f"{name}: {outcome}")
