from typing import Any

from django.core.management.base import BaseCommand

from jobs.tasks import SCHEDULES, schedules_ensure


class Command(BaseCommand):
    help = (
        "Create or update the background worker's recurring jobs by name (jobs.tasks.SCHEDULES): posting expiry, "
        "session cleanup, forgetting old Idempotency-Keys, resuming stalled feed imports. Safe to run on every start."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = schedules_ensure()
        for recurring in SCHEDULES:
            self.stdout.write(f"{recurring.name}: {outcome[recurring.name]}")
