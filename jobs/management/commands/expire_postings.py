from typing import Any

from django.core.management.base import BaseCommand

from jobs.services import postings_expire


class Command(BaseCommand):
    help = "Mark published postings past their expiry date as expired (idempotent; run it from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{postings_expire()} postings expired.")
