"""Benchmark: manage.py migrate_engine moving a SQLite install holding the bundled data to an empty PostgreSQL
database (issue 18: "tested at the bundled data's size"). Prints the command's own report (copy and check times,
its CPU), the wall and CPU time of the whole run (the command and the target's `migrate` process) and the load
average, since the machine may be shared.

    DEBUG=true .venv/bin/python bench/migrate_engine.py [--sqlite db.sqlite3] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Without --sqlite, the bundled data is loaded into a new SQLite file first (a minute or two, not measured).
"""

import argparse
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url, "DATABASE_CONN_MAX_AGE": "0"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, help="a SQLite install holding the bundled data")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="an admin URL")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = options.sqlite
        if source is None:
            source = Path(folder) / "install.sqlite3"
            manage(f"sqlite:///{source}", "migrate", "--noinput", "-v0")
            manage(f"sqlite:///{source}", "load_snapshot")
        name = f"rolescope_migrate_bench_{secrets.token_hex(3)}"
        with psycopg.connect(options.postgres, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            try:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                report = manage(
                    f"sqlite:///{source}", "migrate_engine", "--to", f"{options.postgres.rsplit('/', 1)[0]}/{name}"
                )
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
            finally:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(report.strip())
    print(f"migrate_engine: {wall:.1f} s wall, {cpu:.1f} s CPU in its processes (PostgreSQL's own not counted)")
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
