"""A database that does not answer (restarting, failed over, out of connections, a lock held too long) is a passing
outage, not a bug: the request is answered `503 Service Unavailable` with `Retry-After`, so clients and the load
balancer retry, and nothing was acknowledged that was not written. Pages get a short page that needs no database;
the API answers a problem document (config/api.py)."""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

logger = logging.getLogger("rolescope.outage")

RETRY_AFTER_SECONDS = 5
# What the database drivers raise when the server cannot be reached or cut the connection (PostgreSQL restarting,
# "too many clients", SQLite's "database is locked"): the same request may well succeed seconds later.
UNAVAILABLE = (OperationalError, InterfaceError)
TITLE = "Temporarily unavailable"
SERVER_ERROR = "Something went wrong on our side; it has been logged. Please try again later."
DETAIL = "The database is not answering right now; please try again in a few seconds."

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · rolescope</title></head>
<body><main><h1>{title}</h1><p>{detail}</p><p><a href="{path}">Try again</a></p></main></body></html>
"""


def unavailable_logged(request: HttpRequest, error: Exception) -> None:
    """One WARNING line (not a stack trace): an outage is the operator's to see, once per request."""
    logger.warning("Database unavailable on %s %s: %s", request.method, request.path, str(error).strip()[:300])


def unavailable_page(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After and a short page that needs no database (nor a template)."""
    body = PAGE.format(title=TITLE, detail=DETAIL, path=escape(request.path))
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage on a page into 503 with Retry-After (the API handles its own, config/api.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        unavailable_logged(request, exception)
        return unavailable_page(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage met outside a view (a session saved by middleware, say) is a 503 too; any other
    error gets a plain 500 page that needs no database either."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable_page(request)
    return HttpResponse(
        PAGE.format(title="Something went wrong", detail=SERVER_ERROR, path=escape(request.path)),
        status=500,
        content_type="text/html; charset=utf-8",
    )
