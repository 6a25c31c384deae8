"""Issue 17's measurement table, reproducible: rolescope as `make serve` runs it (nginx with its page cache in front
of gunicorn with `deploy/gunicorn.conf.py`, 2 app workers, and the background worker), on the PostgreSQL database
DATABASE_URL names and a Redis db (`--redis-url`, flushed first), against a bare Django app on the same machine
with the same gunicorn config (`bench/bare/`: no middleware, no database, the product's own page and JSON bytes sent
back), and the wages API against the peer bls-oews-mcp on the same distinct calls.

Each product run is paired with a run of what it is compared with, the pairs are interleaved and repeated, and the
median ratio is reported; wrk has 1 thread and 32 connections. The traffic is what users send, not one URL:

- a role page for a random role and place each request (every role x real places: metros, ZIP codes, small
  towns, typed as people type them), through nginx (nearly every request misses its cache): >= 10% of the bare page;
- the wages API with a key, a different (occupation, metro) each call: >= 20% of the bare JSON, at most 1 SQL
  query a call (the app server's /metrics), and per worker (1 app worker) >= 1.5x the peer on the same calls;
- one anonymous role page asked again and again (nginx's page cache): >= 500% of the bare page;
- the first role page in a fresh worker <= 2x the same page in a worker that has served other roles;
- each worker's private memory (USS) after every role page < 60 MB;
- 0 errors under load (non-2xx answers, socket errors, tracebacks and 5xx lines in the app server's log).

    DATABASE_URL=postgres://... .venv/bin/python bench/floor.py [--quick] [--skip-peer] [--redis-url URL]

A full run takes about 15 minutes; --quick (one pair of 3 s runs per figure) about 5. The peer is installed into
bench/out/peer-venv (pip) on first use; logs and wrk scripts go to bench/out/floor/. The servers, wrk and timed
requests are in bench/floor_servers.py.
"""

import argparse
import csv
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
    OUT,
    ROOT,
    WORKERS,
    Product,
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
PLACE_CORPUS = ROOT / "geo" / "tests" / "place_corpus.csv"
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

# Every role, every ZIP code, and the (occupation, metro) cells the current release publishes.
CATALOGUE = """
import json
from geo.models import Area, ZipCounty
from roles.models import Role
from wages.models import WageEstimate
from wages.queries import current_release
zips = sorted(set(ZipCounty.objects.values_list("zip", flat=True)))
slugs = list(Role.objects.order_by("slug").values_list("slug", flat=True))
cells = list(
    WageEstimate.objects.filter(release=current_release(), area__kind=Area.Kind.METRO, occupation__code__contains="-")
    .exclude(occupation__code__endswith="-0000")
    .order_by("occupation_id", "area_id")
    .values_list("occupation_id", "area_id")
)
print(json.dumps({"zips": zips, "slugs": slugs, "cells": cells}))
"""


def peer_call(occupation: str, area: str) -> str:
    """The peer's tool call for the estimate our wages API gives for (occupation, area), every datatype so that its
    answer carries every figure ours does."""
    arguments = {
        "occ_code": occupation.replace("-", ""),
        "scope": "metro",
        "area_code": area[2:],  # BLS's 7-digit metro code is 00 + the 5-digit CBSA code the peer takes
        "datatypes": [f"{number:02d}" for number in range(1, 18)],
    }
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "get_wage_data", "arguments": arguments},
    }
    return json.dumps(call)


@dataclass(frozen=True)
class Plan:
    seconds: int  # each measured wrk run
    warmup: int  # each warm-up wrk run
    repeats: int  # interleaved pairs per figure
    fresh_starts: int  # fresh servers per first-request figure


FULL = Plan(seconds=10, warmup=3, repeats=3, fresh_starts=3)
QUICK = Plan(seconds=3, warmup=2, repeats=1, fresh_starts=1)
Log = Callable[..., None]


@dataclass(frozen=True)
class Traffic:
    """What the load asks for: lists of requests, one slice per run so that no run repeats another's."""

    pages: list[list[str]]  # random role x place
    cells: list[list[tuple[str, str]]]  # distinct (occupation, metro)


def traffic(slugs: list[str], zips: list[str], cells: list[tuple[str, str]], slices: int) -> Traffic:
    chooser = random.Random(17)  # noqa: S311 (a fixed order, not a secret)
    with PLACE_CORPUS.open(newline="") as corpus:
        places = [row["text"] for row in csv.DictReader(corpus)] + zips
    pages = [
        f"/roles/{chooser.choice(slugs)}/?location={urllib.parse.quote(chooser.choice(places))}"
        for _ in range(slices * 5000)
    ]
    shuffled = list(cells)
    chooser.shuffle(shuffled)
    size = min(len(shuffled) // slices, 20_000)
    return Traffic(
        pages=[pages[k * 5000 : (k + 1) * 5000] for k in range(slices)],
        cells=[shuffled[k * size : (k + 1) * size] for k in range(slices)],
    )


def wages_path(cell: tuple[str, str]) -> str:
    return f"/api/v1/wages?occupation={cell[0]}&area={cell[1]}"


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
class Results:
    figures: dict[str, Figure] = field(default_factory=dict)
    peer: Figure | None = None
    peer_answer_differs: list[str] = field(default_factory=list)
    queries_per_call: float = math.nan
    memory: list[tuple[float, float]] = field(default_factory=list)  # (RSS MB, USS MB) per worker
    memory_failures: int = 0
    replaced_workers: int = 0
    error_lines: int = 0
    first_ms: float = math.nan
    warm_ms: float = math.nan  # the same first page, in a worker warmed by other roles' pages


def label_total(metrics: str, name: str, label: str) -> float:
    """A counter's value summed over its label sets that have `label` (the app server's /metrics)."""
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith(name + "{") and label in line
    )


def wages_counts(server: Product) -> tuple[float, float]:
    """(wages API calls answered, SQL queries they ran) so far, from the app server's /metrics."""
    status, body, _ = fetch(server.app_url + "/metrics")
    if status != 200:
        raise SystemExit(f"the app server's /metrics answered {status}")
    text = body.decode()
    # django-prometheus counts requests by URL name; rolescope counts queries by route (ops.metrics).
    return label_total(text, "django_http_requests_total_by_view_transport_method_total", 'view="api-v1:wages"'), (
        label_total(text, "rolescope_db_queries_total", 'route="/api/v1/wages"')
    )


def measure_pairs(
    results: Results, server: Product, floor: Server, key: str, load: Traffic, plan: Plan, log: Log
) -> None:
    keyed = {"X-API-Key": key}
    floor_url = floor.url
    scenarios: dict[str, tuple[str, list[list[str]], dict[str, str]]] = {
        "random": ("/page", load.pages, {}),
        "wages": ("/json", [[wages_path(cell) for cell in cells] for cells in load.cells], keyed),
        "repeated": ("/page", [[PAGE]] * len(load.pages), {}),
    }
    for url, headers in ((PAGE, {}), (WAGES, keyed)):
        status, _, _ = fetch(server.url + url, headers)
        if status != 200:
            raise SystemExit(f"{url} answered {status} before the load: is the database loaded and migrated?")
    for floor_path, paths, headers in scenarios.values():
        wrk(floor_url, [floor_path], plan.warmup)
        wrk(server.url, paths[0], plan.warmup, headers)
    for repeat in range(1, plan.repeats + 1):
        for name, (floor_path, paths, headers) in scenarios.items():
            calls_before, queries_before = wages_counts(server) if name == "wages" else (0.0, 0.0)
            reference = wrk(floor_url, [floor_path], plan.seconds)
            measured = wrk(server.url, paths[repeat], plan.seconds, headers)
            results.figures.setdefault(name, Figure()).pairs.append((measured, reference))
            note = ""
            if name == "wages":
                calls, queries = wages_counts(server)
                results.queries_per_call = (queries - queries_before) / max(calls - calls_before, 1)
                note = f", {results.queries_per_call:.3f} queries a call"
            if name != "repeated" and measured.requests > len(paths[repeat]):
                note += f"; {measured.requests} requests over {len(paths[repeat])} distinct: some repeated"
            log(
                f"  {name:<9} pair {repeat}: product {measured.rate:8.0f} req/s (p99 {measured.p99_ms:6.1f} ms, "
                f"errors {measured.non_2xx + measured.socket_errors}) / bare {reference.rate:8.0f} req/s = "
                f"{measured.rate / reference.rate if reference.rate else 0:6.1%}{note}"
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


def measure_peer(
    results: Results, server: Product, other: Server, key: str, load: Traffic, plan: Plan, log: Log
) -> None:
    """Our wages API with one app worker (through nginx, as served) and the peer's one process, on the same
    distinct (occupation, metro) calls."""
    keyed = {"X-API-Key": key}
    other_url = other.url
    status, ours, _ = fetch(server.url + WAGES, keyed)
    peer_status, theirs, _ = fetch(other_url + "/mcp", PEER_HEADERS, peer_call("29-1141", "0042660").encode())
    if status != 200 or peer_status != 200:
        raise SystemExit(f"wages API answered {status}, the peer {peer_status}: {theirs[:300]!r}")
    results.peer_answer_differs = peer_answer_check(ours, theirs)
    paths = [[wages_path(cell) for cell in cells] for cells in load.cells]
    bodies = [[peer_call(*cell) for cell in cells] for cells in load.cells]
    wrk(server.url, paths[0], plan.warmup, keyed)
    wrk(other_url, ["/mcp"] * len(bodies[0]), plan.warmup, PEER_HEADERS, bodies[0])
    results.peer = Figure()
    for repeat in range(1, plan.repeats + 1):
        measured = wrk(server.url, paths[repeat], plan.seconds, keyed)
        reference = wrk(other_url, ["/mcp"] * len(bodies[repeat]), plan.seconds, PEER_HEADERS, bodies[repeat])
        results.peer.pairs.append((measured, reference))
        log(
            f"  peer      pair {repeat}: product (1 worker) {measured.rate:7.0f} req/s / peer "
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


def measure_memory(results: Results, server: Product, slugs: list[str]) -> None:
    """Every role page once, rendered by the app server (asked of it directly: nginx would answer some from its
    cache), 4 at a time, after the load; then each worker's memory."""
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda slug: fetch(f"{server.app_url}/roles/{slug}/")[0], slugs))
    results.memory_failures = sum(status != 200 for status in statuses)
    results.memory = [memory_of(pid) for pid in server.workers()]


def measure_first(results: Results, redis_url: str, slugs: list[str], plan: Plan) -> None:
    """A fresh server with one worker: its first role page, asked of the app server right after it answers
    /healthz; against the same page (Redis flushed, so rendered again) in a fresh worker that has first served other
    roles' pages: a role's first page in a warm worker."""
    page = PAGE
    others = [f"/roles/{slug}/?location=Seattle%2C%20WA" for slug in slugs[100::150][:5]]
    samples = []
    for _ in range(plan.fresh_starts):
        redis_flush(redis_url)
        with product("first-page", redis_url, workers=1, worker=False) as server:
            first = fetch(server.app_url + page)
        redis_flush(redis_url)
        with product("first-page-warmed", redis_url, workers=1, worker=False) as server:
            warming = [fetch(server.app_url + path) for path in others]
            warm = fetch(server.app_url + page)
        if any(status != 200 for status, _, _ in [first, *warming, warm]):
            raise SystemExit("first requests: not every answer was 200")
        samples.append((first[2], warm[2]))
    results.first_ms = statistics.median(first for first, _ in samples)
    results.warm_ms = statistics.median(warm for _, warm in samples)


# --- report -----------------------------------------------------------------------------------------------------


GOALS = {"random": 0.10, "wages": 0.20, "repeated": 5.00}
ROWS = {
    "random": "role page, random role and place (vs bare page)",
    "wages": "wages API with a key, distinct cells (vs bare JSON)",
    "repeated": "one anonymous role page, nginx's cache (vs bare page)",
}


def verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


def table(results: Results, plan: Plan, elapsed: float, database: str) -> str:
    width = 40
    lines = [
        "",
        f"issue 17 floor: make serve (nginx + gunicorn, {WORKERS} app workers, the background worker) on {database}"
        f" + Redis; wrk -t1 -c{CONNECTIONS} -d{plan.seconds}s, median of {plan.repeats} interleaved pair(s)",
        f"{'what':<56} {'measured':<{width}} {'goal':<10} result",
    ]

    def row(label: str, value: str, goal: str, met: bool) -> None:
        lines.append(f"{label:<56} {value:<{width}} {goal:<10} {verdict(met)}")

    for name, label in ROWS.items():
        if name not in results.figures:
            continue
        figure = results.figures[name]
        value = f"{figure.ratio:.1%} ({figure.rate:,.0f} r/s, p99 {figure.p99_ms:.0f} ms)"
        row(label, value, f">= {GOALS[name]:.0%}", figure.ratio >= GOALS[name])
    if results.figures:
        page, json_rate = results.figures["random"].reference_rate, results.figures["wages"].reference_rate
        lines.append(f"{'  (bare app, req/s)':<56} page {page:,.0f}, JSON {json_rate:,.0f}")
        row(
            "  SQL queries per wages call (app server's /metrics)",
            # three places: each worker's version read (once a second) and the key's last use (written once a minute)
            # are counted with the calls, and show there
            f"{results.queries_per_call:.3f}",
            "<= 1",
            results.queries_per_call <= 1,
        )
    if results.peer is not None:
        same = "same answer" if not results.peer_answer_differs else "ANSWERS DIFFER"
        value = f"{results.peer.ratio:.2f}x ({results.peer.rate:,.0f}/{results.peer.reference_rate:,.0f} r/s, {same})"
        row("wages API per worker vs the peer bls-oews-mcp", value, ">= 1.5x", results.peer.ratio >= 1.5)
    if not math.isnan(results.first_ms):
        ratio = results.first_ms / results.warm_ms
        value = f"{ratio:.1f}x ({results.first_ms:.0f} ms / {results.warm_ms:.0f} ms)"
        row("first role page, fresh worker / warm worker", value, "<= 2x", ratio <= 2)
    if results.memory:
        uss = max(u for _, u in results.memory)
        value = "USS " + "/".join(f"{u:.0f}" for _, u in results.memory) + " MB (RSS "
        value += "/".join(f"{r:.0f}" for r, _ in results.memory) + " MB)"
        row("worker private memory after every role page", value, "< 60 MB", uss < 60)
    runs = list(results.figures.values()) + ([results.peer] if results.peer else [])
    failed = sum(figure.errors for figure in runs)
    row(
        "errors under load",
        f"{failed} failed requests, {results.error_lines} log errors",
        "0",
        failed + results.error_lines == 0,
    )
    lines.append(f"{'  workers replaced under load (max_requests)':<56} {results.replaced_workers}")
    for differ in results.peer_answer_differs:
        lines.append(f"  the peer's answer differs: {differ}")
    if results.memory_failures:
        lines.append(f"  {results.memory_failures} role pages did not answer 200 in the memory pass")
    lines.append(f"run time {elapsed / 60:.1f} min")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one pair of 3 s runs per figure (a smoke test)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="a loopback Redis db, flushed")
    parser.add_argument("--skip-peer", action="store_true", help="no comparison with bls-oews-mcp")
    args = parser.parse_args()
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
    redis_flush(args.redis_url)
    env = product_env(args.redis_url)
    database = env.get("DATABASE_URL") or "db.sqlite3"
    if not database.startswith(("postgres://", "postgresql://")):
        log(f"warning: the issue's figures are measured on PostgreSQL; this run uses {database}")
    log(f"preparing the database ({database})")
    manage(env, "prepare")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    key = organisation_key(env)
    catalogue = json.loads(manage(env, "shell", "-c", CATALOGUE).splitlines()[-1])
    slugs: list[str] = catalogue["slugs"]
    cells: list[tuple[str, str]] = [(occupation, area) for occupation, area in catalogue["cells"]]
    load = traffic(slugs, catalogue["zips"], cells, plan.repeats + 1)
    log(f"{len(slugs)} roles, {len(catalogue['zips'])} ZIP codes, {len(cells)} (occupation, metro) cells")

    results = Results()
    with ExitStack() as stack:
        the_peer = stack.enter_context(running(peer())) if not args.skip_peer else None
        with product("product", args.redis_url) as server:
            # The bare app sends the product's own bytes: this role page and this wages answer.
            page, wages = OUT / "bare-page.html", OUT / "bare-wages.json"
            page.write_bytes(fetch(server.app_url + PAGE)[1])
            wages.write_bytes(fetch(server.url + WAGES, {"X-API-Key": key})[1])
            floor = stack.enter_context(running(bare(page, wages)))
            log(f"bare app: page {page.stat().st_size:,} bytes, JSON {wages.stat().st_size:,} bytes")
            measure_pairs(results, server, floor, key, load, plan, log)
            measure_memory(results, server, slugs)
            log("  memory after every role page: " + ", ".join(f"USS {u:.0f} MB" for _, u in results.memory))
            results.replaced_workers, results.error_lines = server.log_counts()
        if the_peer is not None:
            redis_flush(args.redis_url)
            with product("product-1-worker", args.redis_url, workers=1) as server:
                measure_peer(results, server, the_peer, key, load, plan, log)
                replaced, errors = server.log_counts()
                results.replaced_workers += replaced
                results.error_lines += errors
    measure_first(results, args.redis_url, slugs, plan)
    log(f"  first role page: fresh worker {results.first_ms:.0f} ms, warm worker {results.warm_ms:.0f} ms")
    redis_flush(args.redis_url)
    print(table(results, plan, time.monotonic() - started, database.rsplit("/", 1)[-1]))
    print(f"load average before the run {busy:.1f}, after it {os.getloadavg()[0]:.1f} (the run itself adds about 2)")


if __name__ == "__main__":
    main()
