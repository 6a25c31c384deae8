from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.locks import ImportBusy
from wages.models import Release
from wages.services import ReleaseRefused, release_publish


class Command(BaseCommand):
    help = "Make a staged OEWS release public: the newest public release is current on every page and API answer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the staged release's year: 2026 for May 2026")
        parser.add_argument("--by", default="", help="who publishes it, for the audit (the system user by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            release = release_publish(year=options["year"], by=options["by"])
        except (ReleaseRefused, ImportBusy) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        current = Release.objects.current()
        self.stdout.write(f"{release.name} is public; the current release is {current.name if current else 'none'}.")
