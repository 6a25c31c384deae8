"""The compose stack's PostgreSQL side, run as processes on this machine's PostgreSQL: the database init script
makes an app role that owns its database (not the superuser), and `backup`/`restore` run as the compose worker runs
them, with its environment, against PostgreSQL. Skipped without PostgreSQL, psql or pg_dump."""

import os
import secrets
import shutil
import subprocess

import pytest

from config.tests.test_compose import ROOT, fresh_project, localize
from tools.compose_env import service_environment


def _admin_connection():
    """This machine's PostgreSQL as its administrator, or None when there is none to reach."""
    import psycopg

    admin_url = os.environ.get("ROLESCOPE_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        return admin_url, psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return admin_url, None


def _row_counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as session:
        tables = [
            name
            for (name,) in session.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for table in tables:
            (counts[table],) = session.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchall()[0]
        return counts


def test_the_database_init_script_makes_an_app_role_that_owns_its_database_and_is_not_superuser(tmp_path):
    """deploy/postgres/create-app-role.sh as the postgres image runs it (POSTGRES_USER, the APP_* variables), on this
    machine's PostgreSQL; before issue 18 the app connected as the superuser, with `trust` authentication."""
    import psycopg

    if not shutil.which("psql"):
        pytest.skip("psql is not installed")
    admin_url, admin = _admin_connection()
    if admin is None:
        pytest.skip("no PostgreSQL here")
    role, database = f"rs_install_app_{secrets.token_hex(3)}", f"rs_install_appdb_{secrets.token_hex(3)}"
    password = tmp_path / "db_password"
    password.write_text("a-test-password-" + secrets.token_hex(8) + "\n")
    info = psycopg.conninfo.conninfo_to_dict(admin_url)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "POSTGRES_USER": str(info.get("user", "postgres")),
        "PGHOST": str(info.get("host", "127.0.0.1")),
        "PGPORT": str(info.get("port", "5432")),
        "APP_USER": role,
        "APP_DATABASE": database,
        "APP_PASSWORD_FILE": str(password),
    }
    try:
        done = subprocess.run(
            ["sh", str(ROOT / "deploy" / "postgres" / "create-app-role.sh")], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        superuser, can_create = admin.execute(
            "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = %s", [role]
        ).fetchone()
        owner = admin.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
        ).fetchone()[0]
        assert (superuser, can_create, owner) == (False, False, role)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def test_backup_and_restore_as_the_compose_worker_runs_them_on_postgresql(tmp_path):
    """`docker compose exec worker /app/deploy/entrypoint python manage.py backup /backups/...` and `restore`, as
    processes with the worker's compose environment, against PostgreSQL: pg_dump's major version is checked against
    the server's (the image installs the client of compose's database; before issue 18 it had bookworm's 15 against
    a 16 server, and pg_dump refused), and every table's rows come back."""
    from ops.backup import client_major, client_refusal

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    admin_url, admin = _admin_connection()
    if admin is None:
        pytest.skip("no PostgreSQL here")
    server = str(admin_url).rsplit("/", 1)[0]
    source, target = f"rs_compose_backup_{secrets.token_hex(3)}", f"rs_compose_restore_{secrets.token_hex(3)}"
    (tmp_path / "secrets").mkdir()
    for name in ("secret_key", "db_password", "db_admin_password"):
        (tmp_path / "secrets" / name).write_text(secrets.token_urlsafe(50) + "\n")
    (tmp_path / "backups").mkdir()
    worker = service_environment("worker", dotenv=fresh_project(tmp_path), host_env={})
    assert worker["BACKUP_DIR"] == "/backups"
    entrypoint = str(ROOT / "deploy" / "entrypoint")

    def run(database: str, *command: str) -> subprocess.CompletedProcess[str]:
        env = localize(worker, tmp_path, f"{server}/{database}")
        return subprocess.run([entrypoint, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    try:
        for name in (source, target):
            admin.execute(f'CREATE DATABASE "{name}"')
        done = run(source, "python", "manage.py", "migrate", "-v0")
        assert done.returncode == 0, done.stderr[-3000:]
        done = run(
            source,
            "python",
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth.models import User; User.objects.create_user('compose-backup', password=None)",
        )
        assert done.returncode == 0, done.stderr[-3000:]
        backup = "rolescope-now.tar"  # /backups/rolescope-now.tar in the container: the volume, here a folder
        done = run(source, "python", "manage.py", "backup", f"{tmp_path / 'backups' / backup}")
        server_version = admin.info.server_version
        if refusal := client_refusal(client_major(), server_version):
            # a client older than the server: refused before pg_dump runs, saying which versions and what to do
            assert done.returncode != 0 and refusal in done.stderr, done.stderr[-3000:]
            pytest.skip(f"pg_dump here is older than the server: {refusal}")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Backed up the PostgreSQL database" in done.stdout
        done = run(target, "python", "manage.py", "restore", f"{tmp_path / 'backups' / backup}")
        assert done.returncode == 0, done.stderr[-3000:]
        before, after = _row_counts(f"{server}/{source}"), _row_counts(f"{server}/{target}")
        # each side records its own operation: the backup where it was made, the restore where it was restored
        assert before.pop("ops_operationrecord") == after.pop("ops_operationrecord") == 1
        # and the restore bumps every named version, so every cache and memo follows (rows made if missing)
        assert after.pop("sources_version") >= before.pop("sources_version")
        assert before == after and before["auth_user"] == 1 and before["django_migrations"] > 50
    finally:
        for name in (source, target):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
