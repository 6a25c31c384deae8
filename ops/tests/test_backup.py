"""`manage.py backup` and `manage.py restore`: a round trip gives the same database and the same API answers, on the
engine the tests run on (SQLite, or PostgreSQL with DATABASE_URL); a damaged file, the other engine's backup, a
backup of newer code and a database holding data are refused, changing nothing.

The test database is backed up in this process; restores run in `manage.py` processes on scratch databases (files
in a temporary folder, or PostgreSQL databases named rolescope_backup_test*), as an operator would run them."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from ops.backup import DUMPS, MANIFEST, Manifest, manifest_read

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SUBPROCESS_SECRET_KEY = "backup-test-" + "k" * 40  # a test database's key, not a secret
HOST = "localhost"

ANSWERS = """
import json, os
from django.test import Client
client = Client(HTTP_HOST="localhost")
urls = json.loads(os.environ["BACKUP_TEST_ARGUMENT"])
print(json.dumps({url: client.get(url).content.decode() for url in urls}))
"""
TABLES = """
import hashlib, json
from django.db import connection
digests = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        if table not in ("sources_version", "ops_operationrecord"):  # bumped, and recorded, by every restore
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = [len(rows), hashlib.sha256(chr(10).join(rows).encode()).hexdigest()]
print(json.dumps(digests))
"""
RECORDS = """
from ops.models import OperationRecord
print(" ".join(OperationRecord.objects.order_by("pk").values_list("kind", flat=True)))
"""
PEOPLE = """
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from accounts.services import api_key_create
user = User.objects.create_user("backup-check", "backup@example.org", "a long enough password 42")
api_key_create(user=user, name="backup check")
from accounts.services import organisation_create
from jobs.schemas import PostingFields
from jobs.services.postings import posting_upsert
organisation = organisation_create(name="Backup Check Clinic", user=user)
fields = PostingFields(title="Registered Nurse", location="Austin, TX", apply_url="https://backup.example/apply")
posting = posting_upsert(organisation=organisation, fields=fields, acting_user=user, publish=True)
session = SessionStore()
session["kept"] = "through the backup"
session.create()
print(session.session_key, posting.pk)
"""
SESSION = """
import os
from django.contrib.sessions.backends.db import SessionStore
print(SessionStore(os.environ["BACKUP_TEST_ARGUMENT"]).load().get("kept"))
"""


def manage(url: str, *args: str, argument: str = "") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "DATABASE_CONN_MAX_AGE": "0"}
    # One key for every process, as on a server: a session is signed with it (DEBUG alone makes one per process).
    environment["SECRET_KEY"] = SUBPROCESS_SECRET_KEY
    environment["BACKUP_TEST_ARGUMENT"] = argument
    for name in ("REDIS_URL", "TEST_DATABASE_NAME"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )


def run(url: str, script: str, argument: str = "") -> str:
    """The last line a script prints, run by `manage.py shell` on the database at `url` (its one argument in the
    environment: `shell -c` takes none)."""
    done = manage(url, "shell", "-c", script, argument=argument)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode != 0, done.stdout
    assert message in done.stderr, done.stderr[-3000:]


@pytest.fixture
def scratch(tmp_path):
    """make(name) -> the URL of a new, empty database of the tests' engine (PostgreSQL ones are dropped after)."""
    created: list[str] = []
    server = ""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        server = f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"

    def make(name: str) -> str:
        if not server:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"{server}/{name}"

    yield make
    if created:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def api_urls(client: Client) -> list[str]:
    postings = [f"/api/v1/jobs/{posting['id']}" for posting in client.get("/api/v1/jobs").json()["results"][:1]]
    return [
        "/api/v1/wages?occupation=15-1252&area=0012420",
        "/api/v1/wages?occupation=29-1141&location=Austin%2C+TX",
        "/api/v1/roles/software-developers?location=Austin%2C+TX",
        "/api/v1/roles/registered-nurses",
        "/api/v1/jobs",
        *postings,
        "/api/v1/releases",
    ]


def rewrite(source: Path, target: Path, *, manifest: dict | None = None, dump: bytes | None = None) -> Path:
    """A copy of a backup with its manifest's fields or its dump replaced."""
    with tarfile.open(source) as archive:
        values = json.loads(archive.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        name = values["dump"]
        body = archive.extractfile(name).read()  # type: ignore[union-attr]
    values |= manifest or {}
    body = body if dump is None else dump
    with tarfile.open(target, "w") as archive:
        for member_name, data in ((MANIFEST, json.dumps(values).encode()), (name, body)):
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def test_round_trip_gives_the_same_database_and_the_same_answers(tmp_path, scratch):
    first = tmp_path / "test-database.backup"
    call_command("backup", str(first), verbosity=0)
    manifest = manifest_read(first)
    assert manifest.engine == connection.vendor and manifest.dump == DUMPS[connection.vendor]
    assert manifest.migrations["wages"] == "0004_release_staging" and manifest.versions["data"] > 0
    assert len(manifest.sha256) == 64 and manifest.size > 1_000_000

    # restore into an empty database: it answers as this one does
    client = Client(HTTP_HOST=HOST)
    urls = api_urls(client)
    served_here = {url: client.get(url).content.decode() for url in urls}
    restored = scratch("rolescope_backup_test")
    assert "Restored the" in ok(manage(restored, "restore", str(first)))
    assert json.loads(run(restored, ANSWERS, json.dumps(urls))) == served_here

    # add a person, a key, an organisation, a published posting and a session; back that up and restore it again
    session_key, posting = run(restored, PEOPLE).split()
    second = tmp_path / "restored.backup"
    ok(manage(restored, "backup", str(second)))
    again = scratch("rolescope_backup_test_2")
    ok(manage(again, "restore", str(second)))

    assert json.loads(run(again, TABLES)) == json.loads(run(restored, TABLES))
    # each backup and restore was recorded where it was made (the restored copy keeps the records it holds)
    assert run(restored, RECORDS).split() == ["restore", "backup"]
    assert run(again, RECORDS).split() == ["restore", "restore"]
    assert run(again, SESSION, session_key) == "through the backup"
    urls.append(f"/api/v1/jobs/{posting}")
    answers = json.loads(run(again, ANSWERS, json.dumps(urls)))
    assert answers == json.loads(run(restored, ANSWERS, json.dumps(urls)))
    assert json.loads(answers[urls[-1]])["title"] == "Registered Nurse"

    # a damaged copy, or the other engine's, is refused and the database stays as it was
    damaged = tmp_path / "damaged.backup"
    with tarfile.open(second) as archive:
        body = bytearray(archive.extractfile(manifest.dump).read())
    body[len(body) // 2] ^= 0xFF
    rewrite(second, damaged, dump=bytes(body))  # the manifest still has the sound dump's checksum
    refused(manage(again, "restore", "--force", str(damaged)), "does not match the checksum in its manifest")
    assert json.loads(run(again, TABLES)) == json.loads(run(restored, TABLES))


def test_a_database_holding_data_is_refused_unless_forced(tmp_path):
    path = tmp_path / "test-database.backup"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match=r"The database is not empty \(.* hold rows\).*pass --force"):
        call_command("restore", str(path))


def test_the_other_engines_backup_is_refused(tmp_path):
    path = tmp_path / "test-database.backup"
    call_command("backup", str(path), verbosity=0)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = rewrite(path, tmp_path / "foreign.backup", manifest={"engine": other, "dump": DUMPS[other]})
    # the other engine's dump member is missing from this copy: the engine is refused before it is looked for
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    wanted = f"This is a {names[other]} backup and the database is {names[connection.vendor]}"
    with pytest.raises(CommandError, match=wanted):
        call_command("restore", "--force", str(foreign))


def test_a_backup_of_newer_code_is_refused(tmp_path):
    path = tmp_path / "test-database.backup"
    call_command("backup", str(path), verbosity=0)
    manifest = manifest_read(path)
    newer = rewrite(path, tmp_path / "newer.backup", manifest={"migrations": manifest.migrations | {"wages": "0099_x"}})
    with pytest.raises(CommandError, match=r"made by newer code .*does not have the migration\(s\) wages 0099_x"):
        call_command("restore", "--force", str(newer))


def test_files_that_are_not_backups_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n")
    with pytest.raises(CommandError, match="is not a rolescope backup"):
        call_command("restore", str(text))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.backup"))
    with pytest.raises(CommandError, match=r"No backup was written: The folder .* does not exist"):
        call_command("backup", str(tmp_path / "no-such-folder" / "x.backup"))


def test_manifest_round_trips_and_rejects_a_newer_format(tmp_path):
    manifest = Manifest(
        engine="sqlite",
        created_at="2026-05-20T00:00:00+00:00",
        migrations={},
        versions={},
        commit="",
        dump=DUMPS["sqlite"],
        size=1,
        sha256="0" * 64,
    )
    assert Manifest.from_json(manifest.to_json(), tmp_path) == manifest
    with pytest.raises(Exception, match="backup format 2"):
        Manifest.from_json(manifest.to_json().replace(b'"format": 1', b'"format": 2'), tmp_path)
