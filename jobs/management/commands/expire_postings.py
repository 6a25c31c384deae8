from typing import Any

from django.core.management.base import BaseCommand

from jobs.services.postings import postings_expire
from lib.db import refresh_statistics


class Command(BaseCommand):
    help = (
        "Mark published postings past their expiry date as expired, then refresh the query planner's "
        "statistics (idempotent; run it daily from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{postings_expire()} postings expired.")
        refresh_statistics()  # a daily run keeps the planner's view of the postings current
