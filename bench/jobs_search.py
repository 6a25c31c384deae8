"""Benchmark /jobs/ search with two filters over 100,000 generated postings (issue 5 target: median <= 50 ms on
SQLite and on PostgreSQL). The postings are generated here, in a scratch database, never in the product.

    .venv/bin/python bench/jobs_search.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = 100_000


def child(database_url: str) -> None:
    """Runs in a subprocess with DATABASE_URL set: generate the postings, then time the searches."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Organisation
    from geo.models import Area
    from jobs.models import Posting
    from lib.db import refresh_statistics
    from roles.models import Role
    from sources.loading import TableWriter

    call_command("migrate", verbosity=0)
    call_command("load_snapshot", "--if-needed", verbosity=0)
    rng = random.Random(7)  # noqa: S311 (benchmark data, not security)
    roles = list(Role.objects.values_list("pk", flat=True))
    areas = list(Area.objects.filter(kind="metro").values_list("code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        employer = Organisation.objects.create(name="Benchmark employer", slug=f"bench-{rng.random()}")
        writer = TableWriter(
            Posting,
            [
                "employer",
                "title",
                "role",
                "area",
                "location_label",
                "arrangement",
                "salary_min",
                "salary_max",
                "salary_period",
                "annual_min",
                "annual_max",
                "employment_type",
                "description",
                "status",
                "posted_at",
                "expires_at",
                "external_id",
                "source",
                "location_text",
                "apply_url",
                "apply_email",
                "created_at",
                "updated_at",
                "search_text",
            ],
        )
        for number in range(COUNT):
            low = rng.randrange(30_000, 200_000, 1000)
            posted = now - timedelta(days=rng.random() * 60)
            title = f"Generated posting {number} engineer" if number % 7 == 0 else f"Generated posting {number}"
            writer.add(
                (
                    employer.pk,
                    title,
                    rng.choice(roles),
                    rng.choice(areas),
                    "",
                    rng.choice(["onsite", "hybrid", "remote"]),
                    low,
                    low + 20_000,
                    "year",
                    low,
                    low + 20_000,
                    "full_time",
                    "",
                    "published",
                    posted,
                    posted + timedelta(days=30),
                    f"bench-{number}",
                    "benchmark",
                    "",
                    "",
                    "",
                    now,
                    now,
                    title + "\nBenchmark employer",
                )
            )
        writer.flush()
    refresh_statistics()  # as import_postings and the daily expire_postings do
    client = Client(HTTP_HOST="127.0.0.1")
    role = Role.objects.get(slug="software-developers")
    searches = {
        "role + place": {"role": role.slug, "location": "Austin, TX"},
        "text + remote": {"q": "engineer", "remote": "1"},
        "category + minimum pay": {"category": "healthcare", "min_salary": "150000"},
    }
    for label, params in searches.items():
        client.get("/jobs/", params)
        samples = []
        for _ in range(40):
            started = time.perf_counter()
            assert client.get("/jobs/", params).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
        print(f"  {label:<24} median {statistics.median(samples):6.1f} ms   max {max(samples):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    with tempfile.TemporaryDirectory() as folder:
        source = ROOT / "db.sqlite3"
        if source.exists():
            shutil.copy(source, f"{folder}/bench.sqlite3")  # a loaded database saves the snapshot load
        url = f"sqlite:///{folder}/bench.sqlite3"
        print(f"SQLite, {COUNT:,} postings:")
        subprocess.run([sys.executable, __file__, "--child", url], env={**env, "DATABASE_URL": url}, check=True)
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS rolescope_bench_jobs")
            connection.execute("CREATE DATABASE rolescope_bench_jobs")
        url = args.postgres.rsplit("/", 1)[0] + "/rolescope_bench_jobs"
        try:
            print(f"PostgreSQL, {COUNT:,} postings:")
            subprocess.run([sys.executable, __file__, "--child", url], env={**env, "DATABASE_URL": url}, check=True)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute("DROP DATABASE IF EXISTS rolescope_bench_jobs WITH (FORCE)")


if __name__ == "__main__":
    main()
