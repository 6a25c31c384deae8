from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.locks import ImportBusy
from wages.models import Release
from wages.services import ReleaseRefused, release_delete


class Command(BaseCommand):
    help = "Delete a staged OEWS release and its estimates, after a confirmation (a public release is refused)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the staged release's year: 2026 for May 2026")
        parser.add_argument("--by", default="", help="who deletes it, for the log (the system user by default)")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="do not ask for the confirmation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        release = Release.objects.filter(year=year).first()
        if release is not None and release.staged and options["interactive"]:
            answer = input(f"Delete the staged {release.name} and its estimates? Type {year} to confirm: ")
            if answer.strip() != str(year):
                raise CommandError("Nothing was changed: not confirmed.")
        try:
            deleted = release_delete(year=year, by=options["by"])
        except (ReleaseRefused, ImportBusy) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        self.stdout.write(f"May {year} deleted, with its {deleted:,} estimates.")
