"""Shared behaviour of the import management commands."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.models import ImportRun
from sources.parsing import DataFileError


def existing_path(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.exists():
        raise CommandError(f"{path} does not exist.")
    return path


class ImportCommand(BaseCommand):
    """A thin command: parse arguments, call one loader, report what it did or why it stopped."""

    path_help = "file or folder to import"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=existing_path, help=self.path_help)

    def run_import(self, loader: Callable[..., ImportRun | list[ImportRun]], *args: Any, **kwargs: Any) -> None:
        try:
            result = loader(*args, **kwargs)
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed: {exc}") from exc
        for run in result if isinstance(result, list) else [result]:
            self.stdout.write(
                f"{run.source}: {run.release}: {run.rows_written:,} rows written "
                f"({run.rows_read:,} read, {run.rows_rejected:,} skipped) in {run.duration_seconds or 0:.1f}s"
            )
