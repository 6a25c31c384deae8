"""Benchmark the role page, place resolution and autocomplete in-process (issue 3 targets).

Targets: role page with a location, server time without the page cache: median <= 15 ms, p99 <= 50 ms;
from the page cache: median <= 2 ms; <= 20 SQL queries uncached. Place resolution median <= 2 ms, and p99 <= 2 ms
over the place corpus and for unknown places with suggestions (issue 11); autocomplete p99 <= 10 ms.

    DEBUG=true .venv/bin/python bench/role_page.py        (uses DATABASE_URL; loads the snapshot if needed)
"""

import csv
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from geo.resolve import resolve  # noqa: E402
from roles import views  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "geo/tests/place_corpus.csv"
PAGES = [
    ("back-end-developer", "Austin, TX"),
    ("registered-nurses", "94086"),
    ("software-developers", "Seattle, WA"),
    ("accountants-and-auditors", "Chicago, Illinois"),
    ("electricians", "Juneau, AK"),
    ("cashiers", "Springfield, MO"),
]
PLACES = [
    "Austin, TX",
    "austin, texas",
    "94086",
    "Sunnyvale, CA",
    "San Jose metro",
    "Juneau, AK",
    "Springfield",
    "Alabama",
    "Seattle-Tacoma-Bellevue, WA",
    "10001",
]


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{label:<58} median {statistics.median(samples):7.2f} ms   p99 {p99:7.2f} ms   (n={len(samples)})")


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_snapshot", "--if-needed", verbosity=0)
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    uncached_view = views.role_detail.__wrapped__.__wrapped__  # type: ignore[attr-defined]

    def uncached(slug: str, place: str) -> None:
        request = factory.get(f"/roles/{slug}/", {"location": place})
        request.user = __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
        response = uncached_view(request, slug=slug)
        assert response.status_code == 200

    for slug, place in PAGES:  # warm the per-release in-process indexes once
        uncached(slug, place)
    samples: list[float] = []
    for _ in range(50):
        for slug, place in PAGES:
            samples += timed(lambda s=slug, p=place: uncached(s, p), 1)
    report("role page with location, no page cache", samples)
    # Role profiles are rows built at import (roles.RoleProfile): no worker keeps an occupation's data, so there is
    # no cold or warm occupation to tell apart.
    counts = []
    for slug, place in PAGES:
        with CaptureQueriesContext(connection) as queries:
            uncached(slug, place)
        counts.append(len(queries.captured_queries))
    print(f"{'SQL queries per role page without page cache':<58} max {max(counts)}   ({counts})")

    client = Client(HTTP_HOST="127.0.0.1")
    cache.clear()
    client.get("/roles/back-end-developer/", {"location": "Austin, TX"})
    report(
        "role page with location, from the page cache (full request)",
        timed(lambda: client.get("/roles/back-end-developer/", {"location": "Austin, TX"}), 500),
    )
    report("place resolution", [t for place in PLACES for t in timed(lambda p=place: resolve(p), 100)])
    with open(CORPUS, newline="", encoding="utf-8") as handle:
        corpus = [row["text"] for row in csv.DictReader(handle)]
    unknown = ["Zzyzxqv", "Seatle, WA", "Bozemen MT", "Astoria, NY", "Springfeld", "Hollywood, CA", "Nowhere Town"]
    report(
        f"place resolution, the place corpus ({len(corpus)} strings)",
        [t for place in corpus for t in timed(lambda p=place: resolve(p), 5)],
    )
    report(
        "place resolution, unknown places (with suggestions)",
        [t for p in unknown for t in timed(lambda p=p: resolve(p), 20)],
    )
    report(
        "place autocomplete (full request)",
        [
            t
            for q in ("au", "san", "new y", "spring", "chic")
            for t in timed(lambda q=q: client.get("/autocomplete/places", {"q": q}), 100)
        ],
    )
    report(
        "role autocomplete (full request)",
        [
            t
            for q in ("so", "sofware", "nurs", "back end", "acc")
            for t in timed(lambda q=q: client.get("/autocomplete/roles", {"q": q}), 100)
        ],
    )


if __name__ == "__main__":
    main()
