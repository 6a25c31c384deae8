"""Run the app under gunicorn on loopback with production settings, for load tests and API fuzzing.

The database is the one DATABASE_URL names (the SQLite file by default), migrated and loaded with the
bundled snapshot if needed.
"""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


ORGANISATION_KEY = """
from django.contrib.auth.models import User
from accounts.models import Organisation
from accounts.services import api_key_create, organisation_create
user, created = User.objects.get_or_create(username="loadtest", defaults={"email": "loadtest@example.org"})
organisation = Organisation.objects.filter(slug="load-tests").first()
if organisation is None:
    organisation = organisation_create(user=user, name="Load Tests")
key = api_key_create(user=user, name="load tests", employer=organisation, rate_limit_per_minute=100_000_000)[1]
print(key)
"""


@contextmanager
def scratch_database() -> Iterator[str]:
    """A copy of the database DATABASE_URL names (the SQLite file by default), migrated and loaded, for a run that
    writes (fuzzing creates postings): yields its DATABASE_URL and drops it afterwards."""
    env = production_env(0)
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server, _, name = url.rpartition("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_snapshot", "--if-needed")
    if url.startswith(("postgres://", "postgresql://")):
        scratch = f"rolescope_scratch_{secrets.token_hex(4)}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
        try:
            yield f"{server}/{scratch}"
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        return
    source = ROOT / "db.sqlite3" if not url else Path(url.removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "scratch.sqlite3"
        sqlite3.connect(source).backup(sqlite3.connect(copy))  # a consistent copy, even while the file is in use
        yield f"sqlite:///{copy}"


@contextmanager
def gunicorn(workers: int = 2, database_url: str | None = None) -> Iterator[tuple[str, str]]:
    """Yield (base URL, an organisation's API key with a very high limit) while gunicorn serves the app."""
    port = free_port()
    env = production_env(port)
    if database_url:
        env["DATABASE_URL"] = database_url
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_snapshot", "--if-needed")
    manage(env, "collectstatic", "--noinput", "-v0")
    key = manage(env, "shell", "-c", ORGANISATION_KEY).splitlines()[-1]
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            # No request-line limit here: the schema lets a query reach several kB once percent-encoded.
            "--limit-request-line",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=30)
