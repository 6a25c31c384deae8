"""Benchmark the link-preview image (issue 19 item 7; target: <= 100 ms uncached).

Requests /roles/<slug>/preview.png?location=<place> through Django's test client for random roles and places with
the page cache emptied before each one, so every request reads the card and draws the PNG (the whole uncached
answer: resolution, the card's queries, drawing and PNG encoding, the cache write); then the drawing and encoding
alone (`roles.preview.render_png`). Prints the median and p95 of each, wall and CPU time (on a shared machine the
CPU time is the code's own cost), and the load average.

    make bench-preview, or: DATABASE_URL=... .venv/bin/python bench/preview.py [requests]   (production settings,
    DEBUG=false as make's BENCH_ENV sets them, on a database with the snapshot loaded)
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from roles.card import role_by_slug, role_card  # noqa: E402
from roles.models import Role  # noqa: E402
from roles.preview import preview_text, render_png  # noqa: E402

PLACES = [
    "Bozeman, MT", "Austin, TX", "Sunnyvale, CA", "Juneau, AK", "Boston, MA", "Miami, FL", "Chicago, IL",
    "Honolulu, HI", "Tulsa, OK", "Brattleboro, VT", "Kansas City", "98101", "Wyoming", None,
]  # fmt: skip
TARGET_MS = 100


def report(name: str, samples: list[tuple[float, float]]) -> float:
    wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
    p95, cpu_p95 = statistics.quantiles(wall, n=20)[18], statistics.quantiles(cpu, n=20)[18]
    print(
        f"{name:<34} wall median {statistics.median(wall):6.1f} p95 {p95:6.1f} ms; "
        f"CPU median {statistics.median(cpu):6.1f} p95 {cpu_p95:6.1f} ms; n={len(samples)}"
    )
    return cpu_p95


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    slugs = list(Role.objects.values_list("slug", flat=True))
    if not slugs:
        sys.exit("No roles loaded: run manage.py load_snapshot first.")
    rng = random.Random(19)  # noqa: S311  # a repeatable sample, not a secret
    host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "localhost").lstrip(".")
    client = Client(HTTP_HOST=host)
    client.get(f"/roles/{slugs[0]}/preview.png")  # the process memos (role index, gazetteer) as a worker has them
    requests, drawings = [], []
    for _ in range(count):
        slug, place = rng.choice(slugs), rng.choice(PLACES)
        cache.clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/roles/{slug}/preview.png", {"location": place} if place else {})
        requests.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        if response.status_code != 200 or response["Content-Type"] != "image/png":
            sys.exit(f"/roles/{slug}/preview.png?location={place}: {response.status_code}")
        role = role_by_slug(slug)
        assert role is not None
        text = preview_text(role_card(role, place))
        started, cpu = time.perf_counter(), time.process_time()
        render_png(text)
        drawings.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; target <= {TARGET_MS} ms uncached")
    cpu_p95 = report("uncached request (card + PNG)", requests)
    report("drawing and encoding alone", drawings)
    print("within target" if cpu_p95 <= TARGET_MS else "OVER TARGET (CPU p95)")


if __name__ == "__main__":
    main()
