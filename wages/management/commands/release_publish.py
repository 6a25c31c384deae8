from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.locks import ImportBusy
from wages.models import Release
from wages.services import ReleaseRefused, release_publish


class Command(BaseCommand):
    help = (
        "Make a staged OEWS release public: the newest public release is current on every page and API answer. "
        "A release that would become current without estimates for areas the current one has is refused (a "
        "national-only file would blank every local figure) unless --allow-partial."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the staged release's year: 2026 for May 2026")
        parser.add_argument("--by", default="", help="who publishes it, for the audit (the system user by default)")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="publish it although it lacks areas the current release has (their local figures go blank)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            release = release_publish(year=options["year"], by=options["by"], allow_partial=options["allow_partial"])
        except (ReleaseRefused, ImportBusy) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        current = Release.objects.current()
        self.stdout.write(f"{release.name} is public; the current release is {current.name if current else 'none'}.")
