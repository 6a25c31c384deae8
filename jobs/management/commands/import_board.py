from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.boards.client import BoardFetchError
from jobs.boards.connectors import CONNECTORS
from jobs.services.boards import board_configure, board_refresh


class Command(BaseCommand):
    help = (
        "Read an employer's job board and make its postings live: configures the board for the organisation (once) "
        "and refreshes it. With --file, reads a recorded answer instead of the network."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(CONNECTORS))
        parser.add_argument("--employer", required=True, help="the organisation's name (created if it is new)")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--board", help="the board's name: Greenhouse token, Lever site, Ashby job board name, "
                           "SmartRecruiters company, or a USAJOBS search such as 'Organization=VATA'")  # fmt: skip
        where.add_argument("--url", help="the address to read (jsonld: a careers page or a sitemap)")
        where.add_argument("--file", type=Path, help="a recorded answer (with --board or alone)")
        parser.add_argument("--name", default="", help="with --file: the board's name to keep it under")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        token = options["board"] or (options["name"] or (path.stem if path else ""))
        url = "" if options["board"] or path else options["url"]
        if kind == "jsonld" and not url and not path:
            raise CommandError("A careers page is read from its address: give --url.")
        try:
            board = board_configure(employer=options["employer"].strip(), kind=kind, token=token, url=url)
            report = board_refresh(board=board, path=path)
        except (BoardFetchError, ValueError) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        for rejected in report.rejected:
            self.stderr.write(f"rejected {rejected}")
        self.stdout.write(
            f"{board}: {report.read:,} read, {report.imported:,} live, {report.closed:,} closed (left the board), "
            f"{len(report.rejected):,} rejected"
        )
