from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from sources import versions
from sources.commands import ImportCommand
from sources.locks import ImportBusy, holder, import_lock
from sources.models import ImportRun
from sources.parsing import sha256_of
from sources.pipeline import MANIFEST, import_all


class Command(ImportCommand):
    help = "Load the bundled data snapshot (data/snapshot), the real public data the product uses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-needed", action="store_true", help="do nothing if a snapshot load has already succeeded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with import_lock():  # two servers starting together: the second waits, then finds the data loaded
                self.load(if_needed=options["if_needed"])
        except ImportBusy as exc:
            raise CommandError(str(exc)) from exc

    def load(self, *, if_needed: bool) -> None:
        done = ImportRun.objects.filter(source="snapshot", status=ImportRun.Status.SUCCEEDED)
        if if_needed and done.exists():
            self.stdout.write("Bundled data already loaded.")
            return
        snapshot = settings.ROLESCOPE_SNAPSHOT_DIR
        started = timezone.now()
        self.run_import(import_all, snapshot)
        ImportRun.objects.create(
            source="snapshot",
            file_name=str(snapshot / MANIFEST),
            sha256=sha256_of(snapshot / MANIFEST),
            release="bundled snapshot",
            started_at=started,
            finished_at=timezone.now(),
            status=ImportRun.Status.SUCCEEDED,
            holder=holder(),
        )
        versions.bump("data")
