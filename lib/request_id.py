"""Request ids: every request has one, from the caller's `X-Request-ID` when it is a sane token, else a new one.

The id is answered in the `X-Request-ID` header, carried by every problem document (`lib.problems`), written on
every log line made while the request is served (`RequestIdFilter`) and tagged on error reports (Sentry), so a
person quoting it leads to everything that request did. The logging configuration and `lib.problems` load this
module early, so it imports nothing from the project.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.core.signals import request_finished

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from sentry_sdk.types import Event, Hint

HEADER = "X-Request-ID"
# What a proxy or a caller may send us: a uuid, a hex digest, a Heroku- or AWS-style id. Anything else (too long,
# spaces, line breaks, quotes) could forge a log line or a header, so it is replaced, not cleaned.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_request_id: ContextVar[str | None] = ContextVar("rolescope_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served in this context, or None outside a request."""
    return _request_id.get()


def request_id_for(incoming: str | None) -> str:
    """The caller's id when it is a sane token, otherwise a new one (32 hex digits)."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives the request its id until it is finished, and answers it in `X-Request-ID`. First in MIDDLEWARE, so
    every other middleware, the probes and /metrics run with it."""

    def __init__(self, get_response: Callable[["HttpRequest"], "HttpResponse"]) -> None:
        self.get_response = get_response

    def __call__(self, request: "HttpRequest") -> "HttpResponse":
        request_id = request_id_for(request.META.get("HTTP_X_REQUEST_ID"))
        # Kept until `request_finished`, not reset on the way out: Django logs a 4xx (django.request) after the
        # last middleware returns, and a streamed body is read after that.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_finished(sender: Any, **kwargs: Any) -> None:
    _request_id.set(None)


request_finished.connect(_request_finished, dispatch_uid="lib.request_id.finished")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record a handler writes ("-" outside a request), for the log formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


def tag_event(event: "Event", hint: "Hint") -> "Event":
    """Sentry's `before_send`: tags an error report with the id of the request it happened in. Sentry builds the
    event in the thread that raised or logged the error, so the request's context is still current."""
    request_id = _request_id.get()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
