"""Benchmark /jobs/ search with two filters over generated postings: 100,000 (issue 5 target: median <= 50 ms on
both engines) and 1,000,000 (issue 13 target: median <= 50 ms on PostgreSQL, <= 100 ms on SQLite). The postings
are generated here, only in scratch databases (a SQLite file under bench/out/, which git ignores, and PostgreSQL
databases named rolescope_bench_*), never in the product.

    .venv/bin/python bench/jobs_search.py [--sizes 100000,1000000] [--engines sqlite,postgresql]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--keep] [--reuse]

`--keep` leaves the scratch databases in place and `--reuse` times an existing one again without generating it
(after migrating it, so new indexes are built), to compare two versions of the code on the same data.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = (100_000, 1_000_000)
SAMPLES = 40
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
FIELDS = [
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
    "description_html",
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
]


def generate(count: int) -> None:
    """`count` postings in one transaction: COPY on PostgreSQL, executemany on SQLite. The full-text index is
    dropped first and built once at the end, which is much faster than keeping it up to date row by row."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Organisation
    from geo.models import Area
    from jobs import fulltext
    from jobs.models import Posting
    from roles.models import Role
    from sources.loading import TableWriter

    rng = random.Random(7)  # noqa: S311 (benchmark data, not security)
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    areas = list(Area.objects.filter(kind="metro").order_by("code").values_list("code", flat=True))
    arrangements = ["onsite", "hybrid", "remote"]
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS jobs_posting_fts_insert")
            else:
                cursor.execute(f"DROP INDEX IF EXISTS {fulltext.POSTGRES_INDEX}")
        employer = Organisation.objects.create(name="Benchmark employer", slug=f"bench-{count}")
        writer = TableWriter(Posting, FIELDS, batch_size=20_000)
        for number in range(count):
            low = rng.randrange(30_000, 200_000, 1000)
            posted = now - timedelta(days=rng.random() * 60)
            title = f"Generated posting {number} engineer" if number % 7 == 0 else f"Generated posting {number}"
            # prettier-ignore
            writer.add((
                employer.pk, title, rng.choice(roles), rng.choice(areas), "", rng.choice(arrangements), low,
                low + 20_000, "year", low, low + 20_000, "full_time", "", "", "published", posted,
                posted + timedelta(days=30), f"bench-{number}", "benchmark", "", "", "", now, now,
                title + "\nBenchmark employer",
            ))  # fmt: skip
        writer.flush()
    # After the commit: PostgreSQL builds no index while the foreign-key checks of the rows are pending.
    fulltext.install(connection, rebuild=True)
    print(f"    generated {count:,} postings in {time.perf_counter() - started:.0f} s", flush=True)


def child(database_url: str, count: int, reuse: bool) -> None:
    """Runs in a subprocess with DATABASE_URL set: generate the postings (unless reused), then time the searches."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # Production settings, but static files are not collected here: plain names instead of the hashed manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_STORAGE}}
    import re
    from html import unescape

    from django.core.management import call_command
    from django.test import Client

    from jobs.models import Posting
    from lib.db import refresh_statistics
    from roles.models import Role

    call_command("migrate", verbosity=0)
    call_command("load_snapshot", "--if-needed", verbosity=0)
    existing = Posting.objects.filter(source="benchmark").count()
    if not (reuse and existing == count):
        Posting.objects.filter(source="benchmark").delete()
        generate(count)
    refresh_statistics()  # as import_postings and the daily expire_postings do
    client = Client(HTTP_HOST="127.0.0.1")
    role = Role.objects.get(slug="software-developers")
    searches = {
        "role + place": {"role": role.slug, "location": "Austin, TX"},
        "text + remote": {"q": "engineer", "remote": "1"},
        "category + minimum pay": {"category": "healthcare", "min_salary": "150000"},
    }
    next_link = re.compile(r'href="([^"]*)" rel="next"')

    def timed(label: str, url: str, params: dict[str, str] | None) -> None:
        first = client.get(url, params)
        assert first.status_code == 200, first.status_code
        samples = []
        for _ in range(SAMPLES):
            started = time.perf_counter()
            assert client.get(url, params).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(samples, n=20)[-1]
        print(f"  {label:<30} median {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms", flush=True)

    for label, params in searches.items():
        timed(label, "/jobs/", params)
    # The "Next" link of the text + remote search, followed five times: what a deep page costs.
    url = "/jobs/?" + "&".join(f"{k}={v}" for k, v in searches["text + remote"].items())
    for _ in range(5):
        found = next_link.search(client.get(url).content.decode())
        assert found, "no Next link"
        url = "/jobs/" + unescape(found.group(1))
    timed("text + remote, page 6 (Next)", url, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--reuse", action="store_true", help="time existing scratch databases again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.count, args.reuse)
        return
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    sizes = [int(size) for size in args.sizes.split(",")]
    engines = args.engines.split(",")
    keep, reuse = args.keep or args.reuse, args.reuse

    def run(url: str, size: int) -> None:
        command = [sys.executable, __file__, "--child", url, "--count", str(size)] + (["--reuse"] if reuse else [])
        subprocess.run(command, env={**env, "DATABASE_URL": url}, check=True)

    for size in sizes:
        if "sqlite" in engines:
            OUT.mkdir(exist_ok=True)
            path = OUT / f"jobs_{size}.sqlite3"
            if not (reuse and path.exists()):
                path.unlink(missing_ok=True)
                source = ROOT / "db.sqlite3"
                if source.exists() and source.stat().st_size > 1_000_000:
                    shutil.copy(source, path)  # a loaded database saves the snapshot load
            print(f"SQLite, {size:,} postings:", flush=True)
            try:
                run(f"sqlite:///{path}", size)
            finally:
                if not keep:
                    path.unlink(missing_ok=True)
        if "postgresql" in engines and args.postgres:
            import psycopg

            name = f"rolescope_bench_jobs_{size}"  # scratch databases only: the name says so
            with psycopg.connect(args.postgres, autocommit=True) as connection:
                exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not (reuse and exists):
                    connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    connection.execute(f"CREATE DATABASE {name}")
            print(f"PostgreSQL, {size:,} postings:", flush=True)
            try:
                run(args.postgres.rsplit("/", 1)[0] + "/" + name, size)
            finally:
                if not keep:
                    with psycopg.connect(args.postgres, autocommit=True) as connection:
                        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
