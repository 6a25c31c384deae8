"""Backups of the whole database (data sets, accounts, postings, keys, sessions, import provenance) and their restore.

A backup is one tar file holding a manifest and the dump:

- `manifest.json`: the format, the database engine, the migration each app was at, the named versions, when, the
  rolescope version and commit, and the dump's size and SHA-256;
- `database.sqlite3.gz`: SQLite, a copy made with the online backup API (consistent while the site serves: one
  step, under a read lock that writers in WAL mode do not wait for), gzip-compressed; or
- `database.pgdump`: PostgreSQL, `pg_dump -Fc` of the snapshot the manifest was read in (`--snapshot`).

A restore reads the manifest first and refuses, changing nothing, a file that is not a rolescope backup, whose dump
does not match its checksum, made on the other engine, made by newer code (a migration this code does not have), or
a target database holding data (unless forced). The dump then replaces the database in one step: SQLite through the
backup API into the live connection (one write transaction: every process sees the old database or the new one),
PostgreSQL as one transaction that drops what is there and loads the dump. Then `migrate` (the backup may be older
than the code) and a bump of every named version, so every cache and memo follows at once.

PostgreSQL's pg_dump refuses a server newer than itself: `backup` compares the two major versions first and says which
client to install. Every backup and restore is recorded (ops.models.OperationRecord); `backup_scheduled` is the
worker's nightly backup into BACKUP_DIR, keeping the newest BACKUP_KEEP.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from ops.models import OperationRecord
from ops.version import VERSION
from sources import versions
from sources.locks import import_lock
from sources.models import ImportLock

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3.gz", "postgresql": "database.pgdump"}
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables `migrate` itself fills, and the import lock and versions every process touches: rows there do not make a
# database one that holds data.
BOOKKEEPING = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "sources_version",
    "sources_importlock",
    "ops_operationrecord",
}
GZIP_LEVEL = 1  # the level 6 default saves another 11 % of a bundled-data backup at twice the time
CHUNK = 1 << 20
LOCK_WAIT_SECONDS = 60
# libpq connection keywords and the environment variables pg_dump, pg_restore and psql read them from: connection
# parameters, the password above all, never go on a command line, where `ps` shows them.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why and what to do. Nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, written beside its dump in the archive and checked before a restore."""

    engine: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    migrations: dict[str, str]  # app label -> the migration applied last
    versions: dict[str, int]  # the named versions (sources.versions) at the time of the backup
    commit: str  # the rolescope git commit that made it, when known
    dump: str  # the archive member holding the dump
    size: int  # of that member, bytes
    sha256: str  # of that member
    format: int = FORMAT
    version: str = ""  # rolescope's version that made it (ops.version); empty in backups made before 0.18.0

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode() + b"\n"

    @staticmethod
    def from_json(raw: bytes, path: Path) -> "Manifest":
        try:
            values = json.loads(raw)
            manifest = Manifest(**values)
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} is not a rolescope backup: its {MANIFEST} cannot be read ({exc}).") from None
        if manifest.format > FORMAT:
            raise BackupError(
                f"{path} was written in backup format {manifest.format}; this code reads format {FORMAT} and older."
            )
        if manifest.engine not in DUMPS or manifest.dump != DUMPS[manifest.engine]:
            raise BackupError(f"{path} is not a rolescope backup: unknown engine or dump {manifest.dump!r}.")
        return manifest


@dataclass
class Restored:
    """What a restore did."""

    manifest: Manifest
    seconds: float
    migrated: list[str] = field(default_factory=list)  # migrations applied after the restore, app.name


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sha256_stream(handle: IO[bytes], *copies: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        for copy in copies:
            copy.write(chunk)
    return digest.hexdigest(), size


def commit() -> str:
    """The rolescope commit this code is, when it runs from a git checkout (else the ROLESCOPE_COMMIT setting, which
    an image built without .git can carry; else empty)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None and done.returncode == 0:
        return done.stdout.strip()
    return str(getattr(settings, "ROLESCOPE_COMMIT", "") or "")


def _applied(rows: list[tuple[str, str]]) -> dict[str, str]:
    """app -> the migration applied last, from django_migrations rows in the order they were applied."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = name
    return dict(sorted(latest.items()))


def _versions(rows: list[tuple[str, int]]) -> dict[str, int]:
    return dict.fromkeys(versions.NAMES, 0) | dict(rows)


def sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy one SQLite database over another with the backup API, in one step (pages=-1: one consistent state, one
    write transaction on the target); stop if the databases stay locked LOCK_WAIT_SECONDS (SQLite would wait on)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"the database stayed locked by another connection for {LOCK_WAIT_SECONDS} s")

    source.backup(target, pages=-1, progress=progress, sleep=0.1)


# Backing up


def backup_create(*, path: Path) -> Manifest:
    """Write a backup of the whole database to `path` (a file appears there only once it is complete)."""
    kind = engine()
    path = path.expanduser().resolve()
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the backup file's name, e.g. {path / 'rolescope.backup'}.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    with tempfile.TemporaryDirectory(prefix=".rolescope-backup-", dir=path.parent) as folder:
        dump = Path(folder) / DUMPS[kind]
        migrations, named = _sqlite_dump(dump) if kind == "sqlite" else _postgresql_dump(dump)
        with dump.open("rb") as handle:
            sha256, size = sha256_stream(handle)
        manifest = Manifest(
            engine=kind,
            created_at=timezone.now().isoformat(timespec="seconds"),
            migrations=migrations,
            versions=named,
            commit=commit(),
            dump=dump.name,
            size=size,
            sha256=sha256,
            version=VERSION,
        )
        partial = Path(folder) / "backup.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=dump.name)
        partial.chmod(0o600)  # it holds accounts, keys and sessions
        os.replace(partial, path)
    _record(OperationRecord.Kind.BACKUP, path, manifest)
    return manifest


def _record(kind: str, path: Path, manifest: Manifest) -> None:
    details = asdict(manifest)
    detail = {key: details[key] for key in ("created_at", "size", "sha256", "version", "commit", "engine")}
    OperationRecord.objects.create(kind=kind, path=str(path), version=VERSION, detail=detail)


BACKUP_NAME = re.compile(r"^rolescope-\d{8}T\d{6}Z\.tar$")


def backup_scheduled(folder: Path, keep: int) -> tuple[Path, list[Path]]:
    """The scheduled backup: a new file `rolescope-YYYYMMDDTHHMMSSZ.tar` in `folder`, then only the newest `keep`
    such files are kept (other files there are never touched). Returns the new file and the ones removed."""
    if keep < 1:
        raise BackupError("BACKUP_KEEP must be at least 1.")
    path = folder / f"rolescope-{timezone.now():%Y%m%dT%H%M%SZ}.tar"
    backup_create(path=path)
    ours = sorted(item for item in folder.iterdir() if BACKUP_NAME.match(item.name))
    removed = ours[:-keep]
    for old in removed:
        old.unlink()
    return path, removed


def _sqlite_dump(destination: Path) -> tuple[dict[str, str], dict[str, int]]:
    copy_path = destination.with_suffix("")
    # A connection of its own, as any other reader: it sees what is committed (a connection with a write of its own
    # pending could not be copied from at all).
    name = str(connection.settings_dict["NAME"])
    in_memory = "mode=memory" in name or name == ":memory:"
    source = sqlite3.connect(name, uri=True)
    copy = sqlite3.connect(copy_path)
    try:
        if in_memory:
            # A database in memory (the test suite's) lives in this process only: it is copied as this process's
            # connection sees it, which another connection to its shared cache cannot do while a test holds it.
            connection.ensure_connection()
            snapshot = sqlite3.connect(":memory:")
            try:
                snapshot.deserialize(connection.connection.serialize())
                snapshot.backup(copy)
            finally:
                snapshot.close()
        else:
            # The whole copy under one read transaction, so it is one consistent state even while other processes
            # write (WAL: they do not wait for it).
            sqlite_copy(source, copy)
        migrations = _applied(copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall())
        named = _versions(copy.execute("SELECT name, value FROM sources_version").fetchall())
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite backup failed: {exc}.") from exc
    finally:
        copy.close()
        source.close()
    with copy_path.open("rb") as plain, gzip.open(destination, "wb", compresslevel=GZIP_LEVEL) as packed:
        shutil.copyfileobj(plain, packed, CHUNK)
    copy_path.unlink()
    return migrations, named


def libpq_parameters() -> dict[str, str]:
    """The connection's parameters as libpq keywords (from DATABASES, as Django connects)."""
    settings_dict = connection.settings_dict
    parameters = {
        key: str(value) for key, value in settings_dict.get("OPTIONS", {}).items() if key in LIBPQ_ENVIRONMENT
    }
    for key, name in (("dbname", "NAME"), ("user", "USER"), ("password", "PASSWORD"), ("host", "HOST")):
        if settings_dict.get(name):
            parameters[key] = str(settings_dict[name])
    if settings_dict.get("PORT"):
        parameters["port"] = str(settings_dict["PORT"])
    return parameters


def libpq_environment() -> dict[str, str]:
    """This process's environment for pg_dump, pg_restore and psql, with the connection's parameters in PG*
    variables (and none of the caller's own PG* settings for a different database)."""
    environment = {key: value for key, value in os.environ.items() if key not in LIBPQ_ENVIRONMENT.values()}
    for key, value in libpq_parameters().items():
        environment[LIBPQ_ENVIRONMENT[key]] = value
    return environment


def _run(command: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(command, env=libpq_environment(), capture_output=True, **kwargs)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed here; it is needed to {what}.") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        raise BackupError(f"{command[0]} failed to {what}: {message}")
    return done


def client_major(tool: str = "pg_dump") -> int:
    """The major version of the PostgreSQL client tool here ("pg_dump (PostgreSQL) 15.20 (Debian ...)" is 15)."""
    done = _run([tool, "--version"], "tell its version")
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", done.stdout.decode(errors="replace"))
    if not found:
        raise BackupError(f"{tool} --version did not say a PostgreSQL version: {done.stdout!r}")
    return int(found.group(1))


def client_refusal(client: int, server_version_num: int) -> str | None:
    """Why this pg_dump cannot back up that server (a newer major version), or None when it can."""
    server = server_version_num // 10000
    if client >= server:
        return None
    return (
        f"pg_dump here is PostgreSQL {client}, the database server is PostgreSQL {server}, and pg_dump refuses a "
        f"newer server. Install postgresql-client-{server} (or run the backup where it is installed), or run the "
        f"database on PostgreSQL {client}: compose.yaml's db image and the Dockerfile's PG_MAJOR must agree."
    )


def _postgresql_dump(destination: Path) -> tuple[dict[str, str], dict[str, int]]:
    import psycopg

    client = client_major()
    try:
        with psycopg.connect(**libpq_parameters(), autocommit=True) as session:  # type: ignore[arg-type]
            if reason := client_refusal(client, session.info.server_version):
                raise BackupError(reason)
            # The manifest and the dump see the same snapshot: this transaction exports it and pg_dump imports it.
            session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            row = session.execute("SELECT pg_export_snapshot()").fetchone()
            snapshot = str(row[0]) if row else ""
            applied = session.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
            migrations = _applied([(str(app), str(name)) for app, name in applied])
            named = _versions(
                [(str(name), int(value)) for name, value in session.execute("SELECT name, value FROM sources_version")]
            )
            command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={destination}"]
            _run(command, "back up the database")
            session.execute("COMMIT")
    except psycopg.Error as exc:
        raise BackupError(f"The PostgreSQL backup failed: {exc}".strip()) from exc
    return migrations, named


# Restoring


def manifest_read(path: Path) -> Manifest:
    """The manifest of the backup at `path`, refusing anything that is not a rolescope backup."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        with tarfile.open(path, "r:") as archive:
            member = archive.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise BackupError(f"{path} is not a rolescope backup: it does not start with {MANIFEST}.")
            handle = archive.extractfile(member)
            assert handle is not None  # a regular file
            return Manifest.from_json(handle.read(), path)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a rolescope backup, or it is damaged: {exc}.") from None


def refusal(manifest: Manifest, *, force: bool) -> str:
    """Why this backup must not be restored into this database; empty when it may."""
    here = engine()
    if manifest.engine != here:
        return (
            f"This is a {ENGINES[manifest.engine]} backup and the database is {ENGINES[here]}: restore it into a "
            f"{ENGINES[manifest.engine]} database (DATABASE_URL), or move data between engines with dumpdata/loaddata."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    installed = {app for app, _ in known}
    newer = [
        f"{app} {name}" for app, name in manifest.migrations.items() if app in installed and (app, name) not in known
    ]
    if newer:
        made_by = f" (commit {manifest.commit[:12]})" if manifest.commit else ""
        return (
            f"The backup was made by newer code{made_by}: this code does not have the migration(s) "
            f"{', '.join(newer)}. Deploy that code, then restore."
        )
    if not force and (holding := tables_with_rows()):
        shown = ", ".join(holding[:5]) + (f" and {len(holding) - 5} more" if len(holding) > 5 else "")
        return (
            f"The database is not empty ({shown} hold rows). Restore into an empty database, or pass --force to "
            "replace everything in it."
        )
    return ""


def tables_with_rows() -> list[str]:
    """The tables of this project's models that hold a row, bookkeeping aside."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - BOOKKEEPING)
        holding = []
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                holding.append(table)
    return holding


@contextmanager
def _verified_dump(path: Path, manifest: Manifest, folder: Path) -> Iterator[Path]:
    """The dump out of the archive (SQLite: decompressed), once its SHA-256 matches the manifest's."""
    target = folder / (manifest.dump.removesuffix(".gz"))
    try:
        with tarfile.open(path, "r:") as archive:
            member = next((m for m in archive if m.name == manifest.dump), None)
            # Only a regular file: tarfile follows a link member to its target (a KeyError when it is missing).
            handle = archive.extractfile(member) if member is not None and member.isfile() else None
            if handle is None:
                raise BackupError(f"{path} is damaged: it has no {manifest.dump} (as a regular file).")
            packed = folder / manifest.dump if manifest.dump.endswith(".gz") else target
            with packed.open("wb") as copy:
                sha256, size = sha256_stream(handle, copy)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is damaged: {exc}.") from None
    if sha256 != manifest.sha256 or size != manifest.size:
        raise BackupError(
            f"{path} is damaged: its dump does not match the checksum in its manifest (sha256 {sha256[:16]}…, "
            f"{size:,} bytes; expected {manifest.sha256[:16]}…, {manifest.size:,} bytes). Nothing was restored."
        )
    if packed != target:
        try:
            with gzip.open(packed, "rb") as source, target.open("wb") as plain:
                shutil.copyfileobj(source, plain, CHUNK)
        except (OSError, EOFError) as exc:
            raise BackupError(f"{path} is damaged: {exc}.") from None
        packed.unlink()
    yield target


def backup_restore(*, path: Path, force: bool = False) -> Restored:
    """Replace the whole database with the backup at `path`, then migrate it and bump every named version."""
    started = time.monotonic()
    path = path.expanduser().resolve()
    manifest = manifest_read(path)
    if reason := refusal(manifest, force=force):
        raise BackupError(reason)
    kind = engine()
    # SQLite: the decompressed copy goes beside the database, where there is room for one; else the temporary folder
    beside = kind == "sqlite" and not connection.creation.is_in_memory_db(connection.settings_dict["NAME"])  # type: ignore[attr-defined]
    scratch = Path(str(connection.settings_dict["NAME"])).parent if beside else None
    # A database that was never migrated has no import lock, and nothing can be importing into it.
    migrated = {"sources_importlock", "sources_importrun"} <= set(connection.introspection.table_names())
    with (
        tempfile.TemporaryDirectory(prefix=".rolescope-restore-", dir=scratch) as folder,
        _verified_dump(path, manifest, Path(folder)) as dump,
        import_lock() if migrated else nullcontext(),
    ):
        if kind == "sqlite":
            _sqlite_restore(dump)
        else:
            _postgresql_restore(dump)
    if kind == "postgresql":
        connection.close()  # the tables were replaced: no plan or state of the old ones is kept
    applied_before = _applied_set()
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:
        raise BackupError(f"The backup was restored, but migrate failed: {exc}. Run manage.py migrate.") from exc
    applied = sorted(f"{app}.{name}" for app, name in _applied_set() - applied_before)
    with transaction.atomic():
        for name in versions.NAMES:
            versions.bump(name)
        _record(OperationRecord.Kind.RESTORE, path, manifest)
    return Restored(manifest=manifest, seconds=time.monotonic() - started, migrated=applied)


def _applied_set() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return {(str(app), str(name)) for app, name in cursor.fetchall()}


def _sqlite_restore(dump: Path) -> None:
    source = sqlite3.connect(dump)
    try:
        problems = [row[0] for row in source.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise BackupError(f"The backup's database is damaged: {'; '.join(problems[:3])}. Nothing was restored.")
        connection.ensure_connection()
        # Into the live connection, as one write transaction: every process sees the old database or the new one,
        # never a part of each (a file swapped underneath would leave other processes on the old file).
        sqlite_copy(source, connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite restore failed, nothing was changed: {exc}.") from exc
    finally:
        source.close()
    # The lock row came from the backup (an import running then, maybe on another machine): this process holds the
    # lock now, and frees it on the way out.
    if "sources_importlock" in connection.introspection.table_names():
        ImportLock.objects.update(holder="", acquired_at=None)


def _postgresql_restore(dump: Path) -> None:
    """pg_restore writes the dump as SQL (no owners, no grants: the target's roles may differ) and psql runs it,
    after dropping every table, view and sequence of the target's schema, in one transaction that commits only when
    both finished without an error: a failure anywhere leaves the database as it was."""
    drops = _postgresql_drops()
    environment = libpq_environment()
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        try:
            psql = subprocess.Popen(
                ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=environment,
            )
            restore = subprocess.Popen(
                ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--file=-", str(dump)],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
                env=environment,
            )
        except FileNotFoundError as exc:
            raise BackupError(f"{exc.filename} is not installed here; it is needed to restore.") from None
        assert psql.stdin is not None and restore.stdout is not None
        try:
            psql.stdin.write(b"BEGIN;\nSET LOCAL client_min_messages = warning;\n" + drops)
            shutil.copyfileobj(restore.stdout, psql.stdin, CHUNK)
            restored = restore.wait() == 0
            if restored:
                psql.stdin.write(b"\nCOMMIT;\n")
            psql.stdin.close()  # without COMMIT, psql ends and PostgreSQL rolls the transaction back
        except BrokenPipeError:  # psql stopped at an error
            restore.kill()
            restore.wait()
            restored = False
        psql.wait()
        if not restored or psql.returncode != 0:
            restore_errors.seek(0)
            psql_errors.seek(0)
            lines = (psql_errors.read() + restore_errors.read()).decode(errors="replace").splitlines()
            message = " ".join(line.strip() for line in lines if not line.startswith(("NOTICE", "DETAIL", " ")))
            raise BackupError(f"The PostgreSQL restore failed, nothing was changed: {message[-2000:] or 'no message'}")


def _postgresql_drops() -> bytes:
    """DROP statements for everything in the target's schema (CASCADE: tables first, with their sequences)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
               ORDER BY 2"""
        )
        found = cursor.fetchall()
    kinds = (("r", "TABLE"), ("p", "TABLE"), ("f", "FOREIGN TABLE"), ("m", "MATERIALIZED VIEW"), ("v", "VIEW"))
    statements = [
        f"DROP {statement} IF EXISTS {name} CASCADE;\n" for kind, statement in kinds for k, name in found if k == kind
    ]
    statements += [f"DROP SEQUENCE IF EXISTS {name} CASCADE;\n" for kind, name in found if kind == "S"]
    return "".join(statements).encode()
