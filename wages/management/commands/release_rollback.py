from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.locks import ImportBusy
from wages.services import ReleaseRefused, release_rollback


class Command(BaseCommand):
    help = "Stage the current OEWS release again, so the previous public release is current again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", default="", help="who rolls it back, for the audit (the system user by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            withdrawn, current = release_rollback(by=options["by"])
        except (ReleaseRefused, ImportBusy) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        self.stdout.write(
            f"{withdrawn.name} is staged again (see it with ?release={withdrawn.year}; publish it again with "
            f"manage.py release_publish {withdrawn.year}); the current release is {current.name} again."
        )
