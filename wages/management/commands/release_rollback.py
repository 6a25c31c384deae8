from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.locks import ImportBusy
from wages.services import ReleaseRefused, release_rollback, release_rollback_plan, release_rollback_to


class Command(BaseCommand):
    help = (
        "Stage the current OEWS release again, so the previous public release is current again; with --to YEAR, "
        "stage every public release newer than YEAR (after a confirmation), so May YEAR is current again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", default="", help="who rolls it back, for the audit (the system user by default)")
        parser.add_argument("--to", type=int, metavar="YEAR", help="the public release to make current again")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="with --to, do not ask for the confirmation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["to"] is not None:
                self._roll_back_to(options["to"], options["by"], options["interactive"])
                return
            withdrawn, current = release_rollback(by=options["by"])
        except (ReleaseRefused, ImportBusy) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        self.stdout.write(
            f"{withdrawn.name} is staged again (see it with ?release={withdrawn.year}; publish it again with "
            f"manage.py release_publish {withdrawn.year}); the current release is {current.name} again."
        )

    def _roll_back_to(self, year: int, by: str, interactive: bool) -> None:
        newer = ", ".join(release.name for release in release_rollback_plan(year=year))
        if interactive:
            answer = input(f"Stage {newer} again, so that May {year} is the current release? Type {year} to confirm: ")
            if answer.strip() != str(year):
                raise CommandError("Nothing was changed: not confirmed.")
        withdrawn, current = release_rollback_to(year=year, by=by)
        self.stdout.write(
            f"{', '.join(release.name for release in withdrawn)} staged again (publish each again with manage.py "
            f"release_publish YEAR); the current release is {current.name} again."
        )
