"""`manage.py migrate_engine --to postgres://...`: move an install from SQLite (or any engine Django reads) to a
PostgreSQL database, table by table, and prove the copy.

The target is migrated by this code (so its schema is PostgreSQL's own: generated columns, GIN indexes), emptied,
then every model's table is copied in dependency order in one transaction (PostgreSQL's foreign keys are deferred to
the commit), rows read through the ORM (so each engine's storage of booleans, decimals, dates and JSON is converted
as Django converts it) and written with COPY in batches. Sequences are reset past the copied ids. Then each table's
row count and a digest of its content (sha256 over the sorted digests of its rows, values written one canonical
way) are computed on both sides and compared: any difference is an error naming the table.
"""

import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

TARGET = "migrate_engine_target"
BATCH = 10_000
# Fields whose Python value is not what the column takes as is (JSON as Json, aware datetimes, dates as dates).
PREPARED = (models.JSONField, models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


class EngineMoveError(Exception):
    """Why the move did not start, or why its check failed: the message says what to do."""


class CopyDiffers(EngineMoveError):
    """The copy was made but does not equal the source: the target must not be used."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    source_digest: str
    target_rows: int
    target_digest: str

    @property
    def equal(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


@dataclass(frozen=True)
class Moved:
    checks: list[TableCheck]
    rows: int
    copy_seconds: float
    check_seconds: float


def target_alias(url: str) -> str:
    """A connection to the target database under its own alias."""
    config = dj_database_url.parse(url, conn_max_age=0)
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise EngineMoveError(f"the target must be a PostgreSQL database (postgres://user@host:5432/name), not {url!r}")
    source = connections[DEFAULT_DB_ALIAS].settings_dict
    if source["ENGINE"].endswith("postgresql") and (source["HOST"], source["PORT"], source["NAME"]) == (
        config.get("HOST"),
        config.get("PORT"),
        config.get("NAME"),
    ):
        raise EngineMoveError("the target is this install's own database")
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: dict(source), TARGET: config})
    connections.settings[TARGET] = configured[TARGET]
    return TARGET


def copied_models() -> list[type[models.Model]]:
    """Every table Django manages (many-to-many tables too), each after the tables its foreign keys point to."""
    pending = {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    ordered: list[type[models.Model]] = []
    done: set[str] = set()

    def visit(model: type[models.Model], path: frozenset[str]) -> None:
        table = model._meta.db_table
        if table in done or table in path:  # a cycle (a model pointing to itself) is fine: keys are deferred
            return
        for field in model._meta.concrete_fields:
            related = field.related_model
            if field.remote_field is not None and isinstance(related, type):
                visit(related, path | {table})
        done.add(table)
        ordered.append(model)

    for table in sorted(pending):
        visit(pending[table], frozenset())
    return ordered


def _unapplied(connection: BaseDatabaseWrapper) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _migrate(url: str) -> None:
    """`manage.py migrate` on the target, in a process whose default database it is: data migrations use the default
    connection (as most projects' do), so run under another alias they would read this database instead."""
    environment = {**os.environ, "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "0"}
    environment.pop("DATABASE_PASSWORD", None)
    environment.pop("DATABASE_PASSWORD_FILE", None)
    done = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"],
        env=environment,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise EngineMoveError(f"migrating the target failed: {done.stderr.strip()[-2000:]}")


def _occupied(target: BaseDatabaseWrapper) -> list[str]:
    """The target's tables that hold rows."""
    with target.cursor() as cursor:
        tables = target.introspection.table_names(cursor)
        quote = target.ops.quote_name
        occupied = []
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                occupied.append(table)
        return occupied


def _rows(model: type[models.Model], alias: str) -> Iterator[tuple[Any, ...]]:
    names = [field.attname for field in model._meta.concrete_fields]
    yield from model._base_manager.using(alias).order_by().values_list(*names).iterator(chunk_size=BATCH)


def _copy(model: type[models.Model], target: BaseDatabaseWrapper) -> tuple[int, str]:
    """Copy the model's rows into the target; their count and digest as read here (see `table_digest`)."""
    fields = model._meta.concrete_fields
    quote = target.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    prepare = [(index, field) for index, field in enumerate(fields) if isinstance(field, PREPARED)]
    digests = []
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with target.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in _rows(model, DEFAULT_DB_ALIAS):
            digests.append(_row_digest(row))
            if prepare:
                values = list(row)
                for index, field in prepare:
                    values[index] = field.get_db_prep_save(values[index], target)
                row = tuple(values)
            copy.write_row(row)
    return len(digests), _table_digest(digests)


def _canonical(value: object) -> str:
    """One spelling of a value whichever engine it was read from."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        return (value.astimezone(datetime.UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)


def _row_digest(row: Iterable[object]) -> bytes:
    return hashlib.sha256("\x1f".join(map(_canonical, row)).encode()).digest()


def _table_digest(row_digests: list[bytes]) -> str:
    """A digest of a table's rows that does not depend on the order they are read in."""
    return hashlib.sha256(b"".join(sorted(row_digests))).hexdigest()


def table_digest(model: type[models.Model], alias: str) -> tuple[int, str]:
    """The table's row count and content digest on the database `alias`."""
    digests = [_row_digest(row) for row in _rows(model, alias)]
    return len(digests), _table_digest(digests)


def engine_migrate(*, url: str, force: bool = False, report: Callable[[str], None] = lambda line: None) -> Moved:
    """Copy this install's database into the PostgreSQL database at `url`, then check every table on both sides."""
    source = connections[DEFAULT_DB_ALIAS]
    if unapplied := _unapplied(source):
        raise EngineMoveError(
            f"this database lacks migrations ({', '.join(unapplied[:5])}): run manage.py migrate first"
        )
    target = connections[target_alias(url)]
    try:
        return _move(url, target, force=force, report=report)
    finally:
        target.close()
        del connections[TARGET]
        del connections.settings[TARGET]


def _move(url: str, target: BaseDatabaseWrapper, *, force: bool, report: Callable[[str], None]) -> Moved:
    occupied = _occupied(target)
    if occupied and not force:
        raise EngineMoveError(
            f"the target holds data ({', '.join(occupied[:5])}{', ...' if len(occupied) > 5 else ''}): "
            "give an empty database, or --force to replace everything in it"
        )
    report("migrating the target")
    _migrate(url)
    order = copied_models()
    started = time.monotonic()
    copied: dict[str, tuple[int, str]] = {}
    with transaction.atomic(using=TARGET):
        quote = target.ops.quote_name
        tables = ", ".join(quote(model._meta.db_table) for model in order)
        with target.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        for model in order:
            copied[model._meta.db_table] = _copy(model, target)
            if copied[model._meta.db_table][0]:
                report(f"{model._meta.db_table}: {copied[model._meta.db_table][0]:,} rows")
        with target.cursor() as cursor:
            for statement in target.ops.sequence_reset_sql(no_style(), order):
                cursor.execute(statement)
    copy_seconds = time.monotonic() - started
    started = time.monotonic()
    checks = [
        TableCheck(model._meta.db_table, *copied[model._meta.db_table], *table_digest(model, TARGET)) for model in order
    ]
    check_seconds = time.monotonic() - started
    differing = [check.table for check in checks if not check.equal]
    if differing:
        raise CopyDiffers(f"the copy differs from this database in {', '.join(differing)}")
    rows = sum(check.source_rows for check in checks)
    return Moved(checks=checks, rows=rows, copy_seconds=copy_seconds, check_seconds=check_seconds)
