"""Where `make bench-floor`'s two slow figures spend their time, in one process: role pages for a random role and
place, and wages API calls with a key for distinct (occupation, metro) cells, each through the whole middleware
stack (Django's test client) with production settings, on the database DATABASE_URL names and REDIS_URL (its db
is emptied first: the page cache would answer pages an earlier run asked for).

Prints the median wall and CPU time and the SQL queries of a request; with --profile, cProfile's top functions by
cumulative time. CPU time is steadier than wall time on a shared machine.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../N .venv/bin/python bench/hot_paths.py [--n 300] [--profile]
"""

import argparse
import cProfile
import csv
import os
import pstats
import random
import secrets
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("PAGE_WORK_RATE_PER_MINUTE", "1000000")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from geo.models import Area, ZipCounty  # noqa: E402
from roles.models import Role  # noqa: E402
from wages.models import WageEstimate  # noqa: E402
from wages.queries import current_release  # noqa: E402

CORPUS = ROOT / "geo" / "tests" / "place_corpus.csv"


def api_key() -> str:
    """A key with a rate limit the load never reaches (as bench/floor.py's, tools/serve.py)."""
    from django.contrib.auth.models import User

    from accounts.models import Organisation
    from accounts.services import api_key_create, organisation_create

    user, _ = User.objects.get_or_create(username="loadtest", defaults={"email": "loadtest@example.org"})
    organisation = Organisation.objects.filter(slug="load-tests").first()
    if organisation is None:
        organisation = organisation_create(user=user, name="Load Tests")
    return api_key_create(user=user, name="hot paths", employer=organisation, rate_limit_per_minute=100_000_000)[1]


def pages(n: int, chooser: random.Random) -> list[str]:
    with CORPUS.open(newline="") as corpus:
        places = [row["text"] for row in csv.DictReader(corpus)]
    places += list(ZipCounty.objects.values_list("zip", flat=True).distinct()[:5000])
    slugs = list(Role.objects.values_list("slug", flat=True))
    return [f"/roles/{chooser.choice(slugs)}/?location={urllib.parse.quote(chooser.choice(places))}" for _ in range(n)]


def wages(n: int, chooser: random.Random) -> list[str]:
    cells = list(
        WageEstimate.objects.filter(release=current_release(), area__kind=Area.Kind.METRO)
        .exclude(occupation__code__endswith="-0000")
        .values_list("occupation_id", "area_id")
    )
    return [f"/api/v1/wages?occupation={o}&area={a}" for o, a in chooser.sample(cells, n)]


def run(label: str, client: Client, paths: list[str], headers: dict[str, str], profile: bool) -> None:
    for path in paths[:20]:  # warm the process (imports, gazetteer, template loaders)
        client.get(path, headers=headers)
    paths = paths[20:]
    walls, cpus, queries = [], [], []
    profiler = cProfile.Profile() if profile else None
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.get(path, headers=headers)
            if profiler:
                profiler.disable()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries.append(len(captured.captured_queries))
        if response.status_code not in (200, 300):
            raise SystemExit(f"{path} answered {response.status_code}")
    print(
        f"{label:<28} wall median {statistics.median(walls):6.2f} ms   CPU median {statistics.median(cpus):6.2f} ms"
        f"   queries {statistics.mean(queries):.2f}   (n={len(paths)})"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(f"{os.environ['PROFILE_DUMP']}.{label.split(',')[0].replace(' ', '-')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=("pages", "wages"))
    args = parser.parse_args()
    cache.clear()  # the page cache of an earlier run would answer the same pages (it empties REDIS_URL's db)
    chooser = random.Random(17)  # noqa: S311 (a fixed order, not a secret)
    client = Client(HTTP_HOST="127.0.0.1")
    runs: dict[str, Callable[[], None]] = {
        "pages": lambda: run("role page, random place", client, pages(args.n + 20, chooser), {}, args.profile),
        "wages": lambda: run(
            "wages API, distinct cells", client, wages(args.n + 20, chooser), {"X-API-Key": api_key()}, args.profile
        ),
    }
    for name, measure in runs.items():
        if args.only in (None, name):
            measure()


if __name__ == "__main__":
    main()
