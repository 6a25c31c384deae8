from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sources.models import ImportRun


def loaded_releases() -> list[dict[str, object]]:
    """The newest successful import of each source, i.e. the data releases the site is serving."""
    latest: dict[str, ImportRun] = {}
    for run in ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).order_by("source", "-finished_at"):
        if run.source == "oews":
            latest.setdefault(f"oews {run.release}", run)
        else:
            latest.setdefault(run.source, run)
    return [
        {"source": run.source, "release": run.release, "sha256": run.sha256, "loaded_at": run.finished_at}
        for run in latest.values()
    ]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: is the database reachable, and what data is loaded."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        releases = loaded_releases()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": "unreachable", "error": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "releases": releases})
