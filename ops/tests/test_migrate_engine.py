"""manage.py migrate_engine: the SQLite test database (the whole bundled data) moved to a new PostgreSQL database,
every table's row count and content digest equal on both sides, and a role page on the copy showing the same figure."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from psycopg import sql

from ops.engine import copied_models
from wages.models import WageEstimate

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PAGE = """
from django.test import Client
print(Client(HTTP_HOST="localhost").get("/roles/software-developers/").content.decode())
"""


@pytest.fixture
def empty_postgres():
    admin_url = os.environ.get("ROLESCOPE_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL here")
    name = f"rolescope_migrate_test_{secrets.token_hex(3)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """manage.py as an operator runs it on the install at `database_url`."""
    environment = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "DATABASE_CONN_MAX_AGE": "0"}
    for name in ("REDIS_URL", "TEST_DATABASE_NAME"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def sqlite_install(django_db_setup, django_db_blocker, tmp_path_factory):
    """The SQLite install: a file copy of this test database (the whole bundled data) by SQLite's backup API, made
    outside any test's transaction (a connection writing cannot be the source of a backup)."""
    if connection.vendor != "sqlite":
        pytest.skip("moves a SQLite install to PostgreSQL: runs in the SQLite run")
    path = tmp_path_factory.mktemp("engine") / "install.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    return path


def test_the_bundled_data_moves_to_postgresql_with_equal_counts_digests_and_pages(sqlite_install, empty_postgres):
    install = sqlite_install
    moved = manage(f"sqlite:///{install}", "migrate_engine", "--to", empty_postgres)
    assert moved.returncode == 0, moved.stderr[-3000:]
    assert "every table's row count and content digest are equal on both sides" in moved.stdout
    print(moved.stdout)  # the time it took, for the report (pytest -s)

    # counted again here, independently of the command
    with psycopg.connect(empty_postgres) as copy:
        for model in copied_models():
            table = model._meta.db_table
            (rows,) = copy.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchall()[0]
            assert rows == model._base_manager.count(), table
        (estimates,) = copy.execute("SELECT count(*) FROM wages_wageestimate").fetchall()[0]
    assert estimates == WageEstimate.objects.count() > 200_000

    # the role page on the copy shows the figure this database has
    median = WageEstimate.objects.get(release=2025, area="0000000", occupation="15-1252").annual_median
    figure = f"May 2025 (${median:,})"
    assert figure in Client(HTTP_HOST="localhost").get("/roles/software-developers/").content.decode()
    page = manage(empty_postgres, "shell", "-c", PAGE)
    assert page.returncode == 0, page.stderr[-3000:]
    assert figure in page.stdout

    # a target that holds data is refused unless --force
    again = manage(f"sqlite:///{install}", "migrate_engine", "--to", empty_postgres)
    assert again.returncode != 0
    assert "Nothing was moved: the target holds data (" in again.stderr and "give an empty database" in again.stderr


def test_a_target_that_is_not_postgresql_is_refused():
    with pytest.raises(CommandError, match=r"Nothing was moved: the target must be a PostgreSQL database"):
        call_command("migrate_engine", "--to", "sqlite:////tmp/elsewhere.sqlite3")
    with pytest.raises(CommandError, match=r"Give the PostgreSQL database to move to"):
        call_command("migrate_engine")
