"""Liveness and readiness probes for load balancers and orchestrators.

- `/healthz`: the process answers (no database, no cache): restart it if this fails.
- `/readyz`: it can serve: the database answers, every migration is applied, every registered data set has been
  loaded. 503 names what failed: keep it out of the load balancer until it passes. The shared cache (Redis) is
  checked too, but pages and limits are served without it (lib/cache.py), so its outage answers 200 with
  `"status": "degraded"` naming it (`degraded: ["cache"]`): an outage of Redis, shared by every server, must not take
  every server out of the load balancer. Both name the version running.

Both answer before any other middleware, so a probe needs no allowed Host header and is never redirected to HTTPS.
"""

import time
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from lib.cache import cache_answers
from ops.version import VERSION
from sources.models import ImportRun
from sources.registry import data_sets

MIGRATIONS_RECHECK_SECONDS = 60.0
_migrations_checked: tuple[bool, float] | None = None


def migrations_applied() -> bool:
    """Whether the database has every migration this code has (`prepare` waits for it; /readyz reports it)."""
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _migrations_applied_lately() -> bool:
    """`migrations_applied()`, read at most once a minute (once a second while they are not)."""
    global _migrations_checked
    now = time.monotonic()
    if _migrations_checked is None or _migrations_checked[1] < now:
        applied = migrations_applied()
        _migrations_checked = (applied, now + (MIGRATIONS_RECHECK_SECONDS if applied else 1.0))
    return _migrations_checked[0]


def loaded_releases() -> list[dict[str, object]]:
    """The newest successful import of each source, i.e. the data releases the site is serving."""
    latest: dict[str, ImportRun] = {}
    for run in ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).order_by("source", "-finished_at"):
        latest.setdefault(f"oews {run.release}" if run.source == "oews" else run.source, run)
    return [
        {"source": run.source, "release": run.release, "sha256": run.sha256, "loaded_at": run.finished_at}
        for run in latest.values()
    ]


def readiness() -> tuple[dict[str, str], list[dict[str, object]]]:
    """Each check's result ("ok" or what is wrong), and the releases loaded."""
    checks: dict[str, str] = {}
    releases: list[dict[str, object]] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"unreachable ({error.__class__.__name__})"
        connection.close()  # a fresh connection next time
    if checks["database"] == "ok":
        try:
            checks["migrations"] = "ok" if _migrations_applied_lately() else "not all applied: run manage.py migrate"
            releases = loaded_releases()
            loaded = {str(release["source"]) for release in releases}
            expected = [data_set for data_set in data_sets() if data_set.files or data_set.records]
            missing = [data_set.name for data_set in expected if not set(data_set.sources) & loaded]
            checks["data"] = "ok" if not missing else f"not loaded: {', '.join(missing)}"
        except DatabaseError as error:
            checks["migrations"] = checks.get("migrations", f"cannot be read ({error.__class__.__name__})")
            checks["data"] = f"cannot be read ({error.__class__.__name__})"
    answers = cache_answers()
    checks["cache"] = "ok" if answers is None or answers else "unreachable (pages and limits are served without it)"
    return checks, releases


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


# Checks whose failure leaves this server able to serve (slower, or with per-process limits): reported, not fatal.
DEGRADING_CHECKS = frozenset({"cache"})


def readyz(request: HttpRequest) -> HttpResponse:
    checks, releases = readiness()
    failing = [name for name, result in checks.items() if result != "ok" and name not in DEGRADING_CHECKS]
    degraded = [name for name, result in checks.items() if result != "ok" and name in DEGRADING_CHECKS]
    status = "unavailable" if failing else "degraded" if degraded else "ok"
    body: dict[str, object] = {"status": status, "version": VERSION, "checks": checks, "releases": releases}
    if failing:
        body["failing"] = failing
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if failing else 200)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answers the probes first: no Host check, no HTTPS redirect, no session, never cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response: HttpResponse = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        else:
            response = probe(request)
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response
