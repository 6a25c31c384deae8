from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs.models import SavedSearch
from jobs.services.alerts import alerts_send


class Command(BaseCommand):
    help = (
        "Email saved searches' new matches (and, daily, open-to-work candidates' new postings for their roles). "
        "The worker runs both on its schedule (setup_schedules); a posting is mailed to a person once, however "
        "often this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--frequency",
            choices=[SavedSearch.Frequency.DAILY, SavedSearch.Frequency.INSTANT],
            default=SavedSearch.Frequency.DAILY,
            help="Which subscriptions to send: the daily digest (default) or the instant alerts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(alerts_send(frequency=options["frequency"])))
