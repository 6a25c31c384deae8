"""Benchmark issue 20's analyst desk in-process: the bulk wages list (1,000 rows a page), /compare/ 5 x 5 without the
page cache, and the whole-release download (written once, then served from a file).

Targets: bulk list of 1,000 rows median <= 80 ms; /compare/ 5 x 5 uncached median <= 40 ms; a whole release written
in <= 60 s, its first byte served in <= 50 ms.

    DEBUG=true DATABASE_URL=sqlite:////path/to/loaded.sqlite3 .venv/bin/python bench/analyst.py
(uses DATABASE_URL; loads the snapshot if needed. The bundled snapshot holds part of a release: the script prints
the rows written a second, and the time the full May 2025 release, 236,799 rows, takes at that rate.)
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_ANON_RATE_PER_MINUTE", "100000")
os.environ.setdefault("PAGE_WORK_RATE_PER_MINUTE", "100000")
os.environ.setdefault("ROLESCOPE_DOWNLOAD_DIR", tempfile.mkdtemp(prefix="rolescope-bench-"))

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from wages import downloads  # noqa: E402
from wages.models import WageEstimate  # noqa: E402
from wages.queries import current_release  # noqa: E402

FULL_RELEASE_ROWS = 236_799
ROLES = ["software-developers", "registered-nurses", "web-developers", "actors", "15-1211"]
PLACES = ["Austin, TX", "94086", "Seattle, WA", "Chicago, IL", "Denver, CO"]


def timed(
    function: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (CPU time: what the call costs when the machine is shared)."""
    wall, cpu = [], []
    for _ in range(repeat):
        before()
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def report(name: str, samples: tuple[list[float], list[float]], target: float) -> None:
    wall, cpu = samples
    median = statistics.median(wall)
    p95 = sorted(wall)[int(len(wall) * 0.95) - 1]
    verdict = "ok" if median <= target else "OVER"
    print(
        f"{name:<44} median {median:7.1f} ms  p95 {p95:7.1f} ms  CPU median {statistics.median(cpu):6.1f} ms  "
        f"(target median <= {target:g} ms: {verdict})"
    )


def main() -> None:
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} CPUs)")
    call_command("load_snapshot", if_needed=True, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    release = current_release()
    assert release is not None

    def bulk_page() -> None:
        response = client.get("/api/v1/wages", {"limit": 1000, "area_kind": "metro"})
        assert response.status_code == 200 and len(response.json()["results"]) == 1000, response.content[:200]

    bulk_page()
    report("GET /api/v1/wages, 1,000 rows (JSON)", timed(bulk_page, 30), 80)
    report(
        "GET /api/v1/wages, 1,000 rows (CSV)",
        timed(lambda: client.get("/api/v1/wages", {"limit": 1000, "format": "csv"}), 30),
        80,
    )

    params = {"role": ROLES, "location": PLACES}

    def compare_page() -> None:
        response = client.get("/compare/", params)
        assert response.status_code == 200 and response.content.count(b'<th scope="row"') == 25

    compare_page()
    report("/compare/ 5 x 5, page cache emptied each time", timed(compare_page, 30, before=cache.clear), 40)
    report(
        "/compare/ 5 x 5 as CSV, uncached",
        timed(lambda: client.get("/compare/", {**params, "format": "csv"}), 20, before=cache.clear),
        40,
    )

    report(
        "GET /api/v1/areas?format=csv, 100 rows",
        timed(lambda: client.get("/api/v1/areas", {"page_size": 100, "format": "csv"}), 30),
        80,
    )
    report(
        "GET /api/v1/roles?format=csv, 100 rows",
        timed(lambda: client.get("/api/v1/roles", {"page_size": 100, "format": "csv"}), 30),
        80,
    )

    rows = WageEstimate.objects.filter(release=release).count()
    started, started_cpu = time.perf_counter(), time.process_time()
    downloads.write(release)  # what the worker's wages.tasks.release_downloads_write does for each release
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(
        f"whole release written: {rows:,} rows in {seconds:.2f} s, CPU {cpu:.2f} s ({rows / seconds:,.0f} rows/s; the "
        f"full release of {FULL_RELEASE_ROWS:,} rows at that rate: {FULL_RELEASE_ROWS / rows * seconds:.1f} s; "
        "target <= 60 s)"
    )

    def first_byte() -> None:
        response = client.get(f"/api/v1/releases/{release.year}/download")
        next(iter(response.streaming_content))  # type: ignore[attr-defined]
        response.close()

    report("download, first byte (served from the file)", timed(first_byte, 30), 50)
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
