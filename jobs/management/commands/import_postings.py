from typing import Any

from django.core.management.base import CommandError

from jobs.imports import postings
from lib.db import refresh_statistics
from sources.commands import ImportCommand
from sources.parsing import DataFileError


class Command(ImportCommand):
    help = "Import job postings from a feed: LinkedIn sample CSV, USAJOBS CSV export, or schema.org JobPosting JSON."
    path_help = "the feed file (.csv, .csv.gz or .json)"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run, errors = postings.load(options["path"])
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed: {exc}") from exc
        refresh_statistics()
        for error in errors:
            self.stderr.write(f"rejected {error}")
        self.stdout.write(f"postings: {run.rows_written:,} imported, {run.rows_rejected:,} rejected ({run.release})")
