"""Benchmark the nearest-programmes query (issue 19 item 3; target: <= 5 ms over all institutions).

Times `market.programmes.programmes_for` (the section: the scan, then one indexed query for the programs of the
ten institutions listed) with a place, for the occupations with the most institutions and for
Registered Nurses, from places across the country, once the occupation's row is in the process memo (as it is after
a worker's first request for it); and the scan itself, the nearest 10 among every institution of the IPEDS
directory, the worst case whatever the occupation: the issue's target. Prints the median and p99 of each, wall and
CPU time (on a shared machine the CPU time is the code's own cost).

    DEBUG=true DATABASE_URL=... .venv/bin/python bench/programmes.py   (a database with the snapshot loaded)
"""

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

from market.models import Institution, OccupationProgrammes  # noqa: E402
from market.programmes import _Occupation, nearest, programmes_for  # noqa: E402

POINTS = [  # (latitude, longitude): Bozeman, Austin, Sunnyvale, Juneau, Boston, Miami, Chicago, Honolulu
    (45.6833, -111.0558), (30.3005, -97.7522), (37.3836, -122.0255), (58.4546, -134.1739),
    (42.3188, -71.0852), (25.7840, -80.2101), (41.8375, -87.6866), (21.3294, -157.846),
]  # fmt: skip


def timed(function: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each call: on a shared machine the CPU time is the query's own cost."""
    samples = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        samples.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    return samples


def report(name: str, samples: list[tuple[float, float]]) -> float:
    wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
    p99, cpu_p99 = statistics.quantiles(wall, n=100)[98], statistics.quantiles(cpu, n=100)[98]
    print(
        f"{name:<56} wall median {statistics.median(wall):5.2f} p99 {p99:6.2f} ms; "
        f"CPU median {statistics.median(cpu):5.2f} p99 {cpu_p99:6.2f} ms; n={len(samples)}"
    )
    return cpu_p99


def main() -> None:
    rows = list(OccupationProgrammes.objects.values_list("soc_code", "unitids"))
    if not rows:
        sys.exit("No programmes loaded: run manage.py load_snapshot first.")
    widest = sorted(rows, key=lambda row: -len(row[1]))[:3]
    whole = 0.0
    for soc, institutions in [*widest, ("29-1141", None)]:
        programmes_for(soc)  # into the process memo, as after a worker's first request
        count = len(institutions) if institutions is not None else programmes_for(soc).institutions  # type: ignore[union-attr]
        samples = [s for point in POINTS for s in timed(lambda p=point, s=soc: programmes_for(s, point=p), 25)]
        whole = max(whole, report(f"programmes_for {soc} ({count} institutions), nearest 10", samples))
    # every institution of the directory, whatever the occupation: the scan alone
    everything = list(Institution.objects.values_list("unitid", "latitude", "longitude"))
    units, lats, lons = (list(column) for column in zip(*everything, strict=True))
    every = _Occupation("", units, lats, lons, [0] * len(units), {})
    samples = [s for point in POINTS for s in timed(lambda p=point: nearest(every, p[0], p[1], 10), 25)]
    scan = report(f"nearest 10 of all {len(units)} institutions (the scan)", samples)
    verdict = "meets" if scan <= 5 else "MISSES"
    print(f"the nearest query over all institutions: CPU p99 {scan:.2f} ms, {verdict} the 5 ms target")
    print(
        f"the whole section (the scan, then the listed institutions' programs from the database): CPU p99 {whole:.2f}"
        f" ms at its worst; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
