import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.engine import CopyDiffers, EngineMoveError, engine_migrate


class Command(BaseCommand):
    help = (
        "Copy this install's database (SQLite, say) into an empty PostgreSQL database, table by table, then compare "
        "every table's row count and content digest on both sides. Stop the app servers and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            default=os.environ.get("MIGRATE_ENGINE_TO", ""),
            help="the PostgreSQL database, postgres://user:password@host:5432/name (or MIGRATE_ENGINE_TO)",
        )
        parser.add_argument("--force", action="store_true", help="replace everything in a target that holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["to"]:
            raise CommandError("Give the PostgreSQL database to move to: --to postgres://user@host:5432/name")
        started, cpu = time.monotonic(), time.process_time()
        report = (lambda line: self.stdout.write(f"  {line}")) if options["verbosity"] > 1 else (lambda line: None)
        try:
            moved = engine_migrate(url=options["to"], force=options["force"], report=report)
        except CopyDiffers as exc:
            raise CommandError(f"{exc}: do not use the target.") from None
        except EngineMoveError as exc:
            raise CommandError(f"Nothing was moved: {exc}.") from None
        tables = len(moved.checks)
        self.stdout.write(
            f"Copied {moved.rows:,} rows in {tables} tables in {moved.copy_seconds:.1f} s; every table's row count and "
            f"content digest are equal on both sides (checked in {moved.check_seconds:.1f} s); "
            f"{time.monotonic() - started:.1f} s in all, {time.process_time() - cpu:.1f} s of CPU here."
        )
        self.stdout.write("Point DATABASE_URL at the new database and start the app servers and the worker.")
