import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import ENGINES, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database (data sets, accounts, postings, keys, sessions, import provenance) to one file, "
        "consistently, while the site serves: SQLite through the online backup API, PostgreSQL with pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file to write, e.g. /backups/rolescope-2026-05-20.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = backup_create(path=options["path"])
        except BackupError as exc:
            raise CommandError(f"No backup was written: {exc}") from exc
        self.stdout.write(
            f"Backed up the {ENGINES[manifest.engine]} database to {options['path']} "
            f"({manifest.size / 1e6:.1f} MB, sha256 {manifest.sha256[:16]}…) in {time.monotonic() - started:.1f} s."
        )
