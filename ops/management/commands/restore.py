from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import ENGINES, BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup written by `manage.py backup`, in one step, then migrate it and "
        "refresh every cache. Refuses a damaged file, a backup of the other engine or of newer code, and a database "
        "that holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data (everything in it is lost)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup_restore(path=options["path"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        made_by = f", rolescope {manifest.commit[:12]}" if manifest.commit else ""
        self.stdout.write(
            f"Restored the {ENGINES[manifest.engine]} backup of {manifest.created_at}{made_by} "
            f"in {restored.seconds:.1f} s."
        )
        if restored.migrated:
            self.stdout.write(f"Migrated it to this code: {', '.join(restored.migrated)}.")
