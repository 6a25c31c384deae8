"""Prometheus metrics at /metrics, and the access log: what every request did, and what the database holds.

- `RequestMetricsMiddleware` times every request, counts it (method, route, status), its SQL queries and its 429s,
  writes one access log line (`rolescope.request`), and answers /metrics to the monitoring network (or a token)
  before the Host check and the HTTPS redirect, as the probes are answered.
- With `PROMETHEUS_MULTIPROC_DIR` set (gunicorn with several workers), each process writes its counts to files in
  that directory and a scrape of any worker sums them. The directory must exist, and be emptied when the server
  starts (docs/operations.md).
- Gauges read from the database are computed once per scrape by the collectors registered here
  (`register_collector`), never per process, so several workers do not multiply them.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from lib.http import PAGE_CACHE, client_ip

logger = logging.getLogger("rolescope.metrics")
access_log = logging.getLogger("rolescope.request")

METRICS_PATH = "/metrics"
# Answered every few seconds by load balancers and Prometheus: logged at DEBUG, not INFO. Probes have no URL
# pattern (sources.probes answers them before URL resolution), so their path is their route.
QUIET_PATHS = frozenset({"/healthz", "/readyz", METRICS_PATH})
# Any other method (a scanner's "FOO") is counted as "other", so it cannot add label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # the route of a request no URL pattern matched (the raw path could be anything)

# Read by prometheus-client itself when it is first imported. Every metric here has labels, so importing this module
# writes nothing: a sample (in multiprocess mode, a file in that directory) is made when a server first counts.
# Management commands (`check` imports every middleware; an image build runs `collectstatic`) need no directory.
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# Counters only (no `_created` twin series), as in multiprocess mode.
disable_created_metrics()

HTTP_REQUESTS = Counter(
    "rolescope_http_requests_total",
    "Requests answered, by method, route (the URL pattern) and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "rolescope_http_request_duration_seconds",
    "Time to build the response (not to send it), by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERIES = Counter(
    "rolescope_db_queries_total", "SQL queries run while answering requests, by route (the URL pattern).", ["route"]
)
RATE_LIMITED = Counter(
    "rolescope_rate_limited_total", "Requests refused with 429 (over a rate limit), by scope: api or site.", ["scope"]
)

_collectors: dict[str, Collector] = {}


def register_collector(name: str, collector: Collector) -> Collector:
    """Add a collector whose metrics are computed at scrape time (idempotent for the same name). An app registers
    its own gauges from its AppConfig.ready(), so this module needs to import none of them."""
    _collectors[name] = collector
    return collector


def scrape_registry() -> CollectorRegistry:
    """What a scrape answers: this process's metrics (or every process's, summed, in multiprocess mode) and the
    registered collectors, each run once."""
    registry = CollectorRegistry()
    if MULTIPROCESS_DIR:
        MultiProcessCollector(registry, path=MULTIPROCESS_DIR)
    else:
        registry.register(REGISTRY)  # the request metrics, and the process's CPU, memory and GC
    for collector in _collectors.values():
        registry.register(collector)
    return registry


def _manager(app_label: str, model_name: str) -> Any:
    """A model's default manager, found by name: `lib` imports no app (docs/architecture.md)."""
    return apps.get_model(app_label, model_name)._default_manager


class DatabaseCollector:
    """Gauges read from the database at scrape time: import runs (by source and status, the newest run of each
    source, the last success), the named versions, and the postings live. A few small queries a scrape."""

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("rolescope_database_up", "1 if the scrape could read the database, else 0.")
        try:
            families = list(self._read())
        except (DatabaseError, LookupError) as error:
            logger.warning("metrics: cannot read the database (%s)", error.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    @staticmethod
    def _read() -> Iterator[Metric]:
        runs = _manager("sources", "ImportRun")
        counted = GaugeMetricFamily(
            "rolescope_import_runs", "Import runs recorded, by source and status.", labels=["source", "status"]
        )
        for row in runs.order_by().values("source", "status").annotate(runs=Count("pk")):
            counted.add_metric([row["source"], row["status"]], row["runs"])
        yield counted

        newest = runs.filter(source=OuterRef("source")).order_by("-started_at", "-pk").values("pk")[:1]
        rows = GaugeMetricFamily(
            "rolescope_import_newest_rows_written",
            "Rows written by the newest import run of each source; `status` is that run's (running, succeeded or "
            "failed).",
            labels=["source", "status"],
        )
        for source, status, written in runs.filter(pk=Subquery(newest)).values_list("source", "status", "rows_written"):
            rows.add_metric([source, status], written)
        yield rows

        succeeded = GaugeMetricFamily(
            "rolescope_import_last_success_timestamp_seconds",
            "When the last successful import of each source finished (Unix time).",
            labels=["source"],
        )
        for row in runs.filter(status="succeeded").order_by().values("source").annotate(at=Max("finished_at")):
            if row["at"] is not None:
                succeeded.add_metric([row["source"]], row["at"].timestamp())
        yield succeeded

        versions = GaugeMetricFamily(
            "rolescope_version",
            "The named versions (data, platform, access) the database holds; every server reads the same within a "
            "second.",
            labels=["name"],
        )
        for name, value in _manager("sources", "Version").order_by("name").values_list("name", "value"):
            versions.add_metric([name], value)
        yield versions

        live = _manager("jobs", "Posting").live().count()
        yield GaugeMetricFamily("rolescope_postings_live", "Job postings published and not expired.", value=live)


register_collector("database", DatabaseCollector())


class _QueryCounter:
    """A `connection.execute_wrapper` that counts the queries it lets through (one attribute add a query)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _networks(values: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(value, strict=False) for value in values)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {error}; use CIDRs such as 10.0.0.0/8.") from None


class RequestMetricsMiddleware:
    """Measures every request (metrics and one access log line) and answers /metrics. Second in MIDDLEWARE, right
    after the request id and before the probes, the Host check and the HTTPS redirect: Prometheus scrapes each
    server by its address, over plain HTTP on the private network."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if MULTIPROCESS_DIR and not os.path.isdir(MULTIPROCESS_DIR):
            raise ImproperlyConfigured(
                f"PROMETHEUS_MULTIPROC_DIR={MULTIPROCESS_DIR!r} is not a directory: create it, empty, before the "
                "server starts."
            )
        self.get_response = get_response
        self.networks = _networks(settings.METRICS_ALLOWED_NETWORKS)
        self.token = settings.METRICS_TOKEN.encode()
        # Present at 0 from the start, so rate() and alerts see the first one.
        for scope in ("api", "site"):
            RATE_LIMITED.labels(scope)
        for result in ("hit", "miss"):
            PAGE_CACHE.labels(result)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        path = request.path_info
        method = request.method if request.method in METHODS else "other"
        if path == METRICS_PATH:
            response = self.metrics(request)
            self.log(method, path, response.status_code, time.perf_counter() - started, 0, quiet=True)
            return response
        queries = _QueryCounter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        route = f"/{match.route}" if match is not None else (path if path in QUIET_PATHS else UNMATCHED)
        status = response.status_code
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_DURATION.labels(method, route).observe(elapsed)
        if queries.count:
            DB_QUERIES.labels(route).inc(queries.count)
        if status == 429:
            RATE_LIMITED.labels("api" if path.startswith("/api/") else "site").inc()
        self.log(method, route, status, elapsed, queries.count, quiet=path in QUIET_PATHS)
        return response

    @staticmethod
    def log(method: str, route: str, status: int, seconds: float, queries: int, *, quiet: bool) -> None:
        """The access log line: one a request, at INFO (DEBUG for probes and scrapes)."""
        duration_ms = round(seconds * 1000, 1)
        extra: dict[str, Any] = {
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "queries": queries,
        }
        access_log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %.1f ms",
            method,
            route,
            status,
            duration_ms,
            extra=extra,
        )

    def metrics(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse("Method not allowed: GET /metrics.\n", status=405, content_type="text/plain")
            response["Allow"] = "GET, HEAD"
        elif not self.allowed(request):
            response = HttpResponse(
                "Forbidden: /metrics answers to the monitoring network (METRICS_ALLOWED_NETWORKS) or to "
                "Authorization: Bearer <METRICS_TOKEN>.\n",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        else:
            encode, content_type = choose_encoder(request.headers.get("Accept", ""))
            response = HttpResponse(encode(scrape_registry()), content_type=content_type)
        response["Cache-Control"] = "no-store"
        return response

    def allowed(self, request: HttpRequest) -> bool:
        if self.token:
            scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), self.token):
                return True
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # a dual-stack socket's ::ffff:10.0.0.9 is 10.0.0.9
        return any(address in network for network in self.networks)
