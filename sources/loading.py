"""Database side of every import: the recorded, atomic run and a fast batched row writer."""

import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from sources import derived, versions
from sources.locks import holder, import_lock
from sources.models import ImportRun
from sources.parsing import sha256_of

logger = logging.getLogger("rolescope.imports")

T = TypeVar("T")


def progress(rows: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """A progress bar on an interactive terminal; silent in CI, cron and tests."""
    yield from tqdm(
        rows, desc=description, total=total, unit=" rows", unit_scale=True, leave=False, disable=not sys.stderr.isatty()
    )


@contextmanager
def recorded_import(*, source: str, path: Path, release: str = "", exclusive: bool = True) -> Iterator[ImportRun]:
    """Run one import as a single transaction and record it in `ImportRun`, success or failure.

    The run record is written outside the transaction, so a failed import is remembered while
    everything it wrote is rolled back and the previous data stays as it was. A data set's import holds the
    import lock (sources.locks); an organisation's feed of postings (`exclusive=False`) runs beside others.
    """
    lock = import_lock() if exclusive else nullcontext()
    with lock, _recorded(source=source, path=path, release=release, exclusive=exclusive) as run:
        yield run


@contextmanager
def _recorded(*, source: str, path: Path, release: str, exclusive: bool) -> Iterator[ImportRun]:
    sha256 = sha256_of(path) if path.is_file() else ""
    run = ImportRun.objects.create(
        source=source,
        file_name=str(path),
        sha256=sha256,
        release=release,
        started_at=timezone.now(),
        holder=holder(),
        exclusive=exclusive,
    )
    try:
        with transaction.atomic():
            yield run
            # in the import's transaction: the data, its version and what derives from it commit together (the
            # version first, so the builders' memos are read afresh)
            versions.bump("data")
            derived.changed(source)
    except BaseException as exc:
        run.status = ImportRun.Status.FAILED
        run.error = str(exc) or exc.__class__.__name__
        run.finished_at = timezone.now()
        run.save()
        raise
    run.status = ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    logger.debug(
        "%s: %s read, %s written, %s rejected from %s in %.1fs",
        source,
        run.rows_read,
        run.rows_written,
        run.rows_rejected,
        path.name,
        run.duration_seconds or 0.0,
    )


class TableWriter:
    """Batched INSERTs (COPY on PostgreSQL) of plain tuples, much faster than building model instances.

    Values must already be what the column stores (ints, Decimals, strings, dates); JSON and
    date/time fields go through Django's own adaptation for the current database.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, batch_size: int = 5000) -> None:
        meta = model._meta
        concrete = [meta.get_field(name) for name in fields]
        assert all(isinstance(field, models.Field) for field in concrete), "only concrete fields can be written"
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in concrete if isinstance(field, models.Field))
        placeholders = ", ".join(["%s"] * len(concrete))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        self.adapt = [
            (index, field)
            for index, field in enumerate(concrete)
            if isinstance(field, (models.JSONField, models.DateTimeField, models.DateField))
        ]
        self.batch_size = batch_size
        self.pending: list[Sequence[Any]] = []
        self.written = 0

    def add(self, values: Sequence[Any]) -> None:
        if self.adapt:
            adapted = list(values)
            for index, field in self.adapt:
                adapted[index] = field.get_db_prep_save(adapted[index], connection)
            values = adapted
        self.pending.append(values)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT on PostgreSQL, inside the same transaction.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in self.pending:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, self.pending)
        self.written += len(self.pending)
        self.pending = []
