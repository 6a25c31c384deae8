"""Prometheus metrics at /metrics, and the access log: what every request did, and what the database holds.

- The standard HTTP and database metrics are django-prometheus's (`django_http_*`, `django_db_*`: the names existing
  Grafana dashboards read), from its two middlewares and its database backends (config/settings.py).
- `RequestMetricsMiddleware` adds what is rolescope's own: each request's SQL queries by route, its 429s, one access
  log line (`rolescope.request`), and answers /metrics to the monitoring network (or a token) before the Host check
  and the HTTPS redirect, as the probes are answered.
- With `PROMETHEUS_MULTIPROC_DIR` set (gunicorn with several workers), each process writes its counts to files in
  that directory and a scrape of any worker sums them. The directory must exist, and be emptied when the server
  starts (docs/operations.md).
- Gauges read from the database are computed once per scrape by the collectors each app registers from its
  AppConfig.ready() (`lib.collectors`), never per process, so several workers do not multiply them.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django_prometheus import middleware as django_prometheus  # type: ignore[import-untyped]
from prometheus_client import REGISTRY, CollectorRegistry, Counter, disable_created_metrics
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from accounts.throttle import KEY_WINDOW_SECONDS, invalid_key_presented, invalid_keys_blocked
from lib.collectors import registered_collectors
from lib.http import PAGE_CACHE, client_ip

logger = logging.getLogger("rolescope.metrics")
access_log = logging.getLogger("rolescope.request")

METRICS_PATH = "/metrics"
# Answered every few seconds by load balancers and Prometheus: logged at DEBUG, not INFO. Probes have no URL
# pattern (ops.probes answers them before URL resolution), so their path is their route.
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

# django-prometheus counts queries by database (`django_db_execute_total`); this one says which route ran them, so a
# page that starts running a query per row shows in production (docs/architecture.md).
DB_QUERIES = Counter(
    "rolescope_db_queries_total", "SQL queries run while answering requests, by route (the URL pattern).", ["route"]
)
RATE_LIMITED = Counter(
    "rolescope_rate_limited_total", "Requests refused with 429 (over a rate limit), by scope: api or site.", ["scope"]
)


class RegisteredCollectors:
    """Every collector the apps registered (`lib.collectors`), run once per scrape, and `rolescope_database_up`: 0 if
    one of them could not read the database (its gauges are then left out, not reported as zero)."""

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("rolescope_database_up", "1 if the scrape could read the database, else 0.")
        families: list[Metric] = []
        failed: set[str] = set()
        for collector in registered_collectors():
            try:
                families.extend(collector.collect())
            except DatabaseError as error:
                failed.add(error.__class__.__name__)
        if failed:
            logger.warning("metrics: cannot read the database (%s)", ", ".join(sorted(failed)))
        up.add_metric([], 0 if failed else 1)
        yield up
        yield from families


def scrape_registry() -> CollectorRegistry:
    """What a scrape answers: this process's metrics (or every process's, summed, in multiprocess mode) and the
    registered collectors, each run once."""
    registry = CollectorRegistry()
    if MULTIPROCESS_DIR:
        MultiProcessCollector(registry, path=MULTIPROCESS_DIR)
    else:
        registry.register(REGISTRY)  # the request metrics, and the process's CPU, memory and GC
    registry.register(RegisteredCollectors())
    return registry


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


def _require_multiprocess_dir() -> None:
    """A server (not a command) needs the multiprocess directory to count into."""
    if MULTIPROCESS_DIR and not os.path.isdir(MULTIPROCESS_DIR):
        raise ImproperlyConfigured(
            f"PROMETHEUS_MULTIPROC_DIR={MULTIPROCESS_DIR!r} is not a directory: create it, empty, before the "
            "server starts."
        )


class PrometheusAfterMiddleware(django_prometheus.PrometheusAfterMiddleware):
    """django-prometheus's by-view counts, once the multiprocess directory is known to exist: Django builds the
    middleware from the last, so this is the first to make a metric (a clear message, not a missing file)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _require_multiprocess_dir()
        super().__init__(*args, **kwargs)


class RequestMetricsMiddleware:
    """Measures every request (its queries, its 429s and one access log line) and answers /metrics. In MIDDLEWARE
    right after the request id (and django-prometheus's first middleware), before the probes, the Host check and the
    HTTPS redirect: Prometheus scrapes each server by its address, over plain HTTP on the private network."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        _require_multiprocess_dir()
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
        elif self.token_guessing(request):
            response = HttpResponse(
                "Too many wrong tokens from this address: wait a minute.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(KEY_WINDOW_SECONDS)
        elif not self.allowed(request):
            if self.presented(request) is not None:
                invalid_key_presented(request)  # counted with wrong API keys: one limit per address for guessing
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

    @staticmethod
    def presented(request: HttpRequest) -> bytes | None:
        """The bearer token the request carries, if any."""
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        return credentials.strip().encode() if scheme.lower() == "bearer" else None

    def token_guessing(self, request: HttpRequest) -> bool:
        """A token is presented from an address that has presented too many wrong ones (tokens or API keys)."""
        return self.presented(request) is not None and invalid_keys_blocked(request)

    def allowed(self, request: HttpRequest) -> bool:
        presented = self.presented(request)
        if self.token and presented is not None and hmac.compare_digest(presented, self.token):
            return True
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # a dual-stack socket's ::ffff:10.0.0.9 is 10.0.0.9
        return any(address in network for network in self.networks)
