from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lib.download import DownloadError
from ops.fetch import SOURCES, FetchError, fetch
from sources.parsing import DataFileError


class Command(BaseCommand):
    help = (
        "Download a data set's official file from its publisher (timeouts, retries, sha256 recorded), check it and "
        "load it through its importer. Sources: "
        + "; ".join(f"{name}: {source.title}, --release {source.release_help}" for name, source in SOURCES.items())
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=sorted(SOURCES), help="what to fetch")
        parser.add_argument("--release", help="which release (see the sources above)")
        parser.add_argument(
            "--sha256", help="refuse the download unless its sha256 is this (the publisher's, or yours)"
        )
        parser.add_argument(
            "--stage", action="store_true", help="OEWS: load the release as staged (manage.py release_publish YEAR)"
        )
        parser.add_argument("--download-only", action="store_true", help="download and check the file, import nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fetched = fetch(
                options["source"],
                options["release"],
                sha256=options["sha256"],
                stage=options["stage"],
                download_only=options["download_only"],
            )
        except (FetchError, DownloadError) as exc:
            raise CommandError(str(exc)) from None
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed: {exc}") from None
        download = fetched.download
        self.stdout.write(f"{download.url}: {download.size:,} bytes, sha256 {download.sha256}, kept as {download.path}")
        for run in fetched.runs:
            self.stdout.write(
                f"{run.source}: {run.release}: {run.rows_written:,} rows written "
                f"({run.rows_read:,} read, {run.rows_rejected:,} skipped) in {run.duration_seconds or 0:.1f}s"
            )
