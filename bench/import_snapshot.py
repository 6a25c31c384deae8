"""Benchmark: load the bundled snapshot into an empty SQLite file and an empty PostgreSQL database.

Prints wall time and peak memory (RSS of the loading process) for each. Targets (issue 2):
SQLite <= 60 s, PostgreSQL <= 90 s, peak memory <= 1 GB.

    DEBUG=true .venv/bin/python bench/import_snapshot.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def measure(label: str, database_url: str) -> None:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url}
    manage(env, "migrate", "--noinput", "-v0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    manage(env, "load_snapshot")
    seconds = time.perf_counter() - started
    peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    print(f"{label:<11} load_snapshot into an empty database: {seconds:6.1f} s   peak RSS {peak_mb:6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to create a scratch database on; '' to skip",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{folder}/bench.sqlite3")
    if args.postgres:
        import psycopg

        scratch = "rolescope_bench_import"
        with psycopg.connect(args.postgres, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {scratch}")
            connection.execute(f"CREATE DATABASE {scratch}")
        try:
            measure("PostgreSQL", args.postgres.rsplit("/", 1)[0] + f"/{scratch}")
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")


if __name__ == "__main__":
    main()
