"""The front cache: a worker answers a repeated request from its own memory before Django's request handling starts.

A cached page or API answer already costs no query and no rendering, yet Django's request handling around it (the
request object, fifteen middleware, URL resolution, the session and user checks) is most of what such a request
costs. The front sits around the WSGI application (`config/wsgi.py`, so gunicorn, `make run` and the benchmarks all
have it) and answers what Django has said it may answer again:

- **What**: a GET with no cookie, no conditional or range header, to an address whose answer the view marked
  `lib.front.shareable` (anonymous cached pages, the wages and role card API), with a query naming only parameters
  the view reads (so `?utm_source=...` cannot fill memory), while this process's named versions are current.
- **Keyed by** everything the answer can depend on: scheme, host (and the forwarded host and scheme), path, query,
  and the data, platform and access versions. A change bumps a version, and the next request misses.
- **Sent**: Django's own status, headers and body, byte for byte, with this request's `X-Request-ID`. For the API,
  the call is first counted against the caller's limit in one round trip, with the address's wrong keys, as the
  API's auth counts it, and the answer carries the caller's RateLimit-* headers. A key is counted here only after
  Django checked it (at most KEY_SECONDS ago, under the current access version, so a revoked key is refused by
  Django within a second). A caller over a limit, or a blocked address, is Django's to answer: it is told what was
  counted (`lib.front.COUNTED`), so nothing is counted twice.
- **Never**: a database query. The front answers only while the versions were read within the last second
  (`sources.versions.fresh`); the next request goes through Django, which reads them again.

Each answer is measured (metrics and the access log line) as Django's middleware would measure it.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings

from accounts.api_auth import anonymous_limit
from accounts.throttle import invalid_keys_window_at
from lib.cache import LocalTier
from lib.front import CALLER, COUNTED, ROUTE, SHAREABLE
from lib.http import PAGE_CACHE, client_ip_of
from lib.metrics import HTTP_DURATION, HTTP_REQUESTS, RequestMetricsMiddleware
from lib.ratelimit import Quota, quota_take, quota_take_and_read
from lib.request_id import HEADER as REQUEST_ID_HEADER
from lib.request_id import request_id_for
from sources import versions

logger = logging.getLogger("rolescope.front")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

ANSWER_BYTES = (
    16 * 1024 * 1024
)  # a worker's kept answers (pages are 25-100 kB; they share their bytes with the page cache)
ANSWER_SECONDS = 300
KEY_SECONDS = 60.0  # a key checked by Django is counted here for this long (its last use is recorded by Django)
MAX_CALLERS = 10_000
# A request with any of these is Django's: a cookie may be a session, and conditional or partial requests get 304s
# or ranges from Django's middleware.
DJANGO_ONLY = (
    "HTTP_COOKIE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
# Django's headers that belong to one request, not to the answer: replaced by the front's own.
PER_REQUEST = frozenset(
    {"x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy"}
)


@dataclass(frozen=True, slots=True)
class Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    route: str
    api: bool


class FrontCache:
    """The WSGI application in front of Django's (see the module docstring)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.answers = LocalTier(max_bytes=ANSWER_BYTES)
        # (how the key was sent, its digest, the access version) -> (rate-limit identity, limit, valid until)
        self.callers: dict[tuple[str, str, int], tuple[str, int, float]] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        current = versions.fresh() if environ.get("REQUEST_METHOD") == "GET" else None
        if current is None or any(environ.get(name) for name in DJANGO_ONLY):
            return self.app(environ, start_response)
        try:
            key = _key(environ, current)
            answer: Answer | None = self.answers.get(key)
            quota = self._count(environ, current) if answer is not None and answer.api else None
        except Exception:  # the front is an optimisation: whatever fails here, Django answers
            logger.exception("The front cache failed on %s; Django answers.", environ.get("PATH_INFO"))
            return self.app(environ, start_response)
        if answer is not None and (not answer.api or quota is not None):
            return self._replay(environ, start_response, answer, quota, started)
        return self._through(environ, start_response, key, current)

    def _count(self, environ: dict[str, Any], current: dict[str, int]) -> Quota | None:
        """Count an API call as the API's auth and throttle would; None when Django must answer it."""
        address = client_ip_of(environ)
        credential = _credential(environ)
        if credential is None:
            identity, limit = anonymous_limit(address)
            quota, wrong = quota_take(identity, limit), 0
        else:
            caller = self.callers.get((*credential, current["access"]))
            if caller is None or caller[2] <= time.monotonic():
                return None
            identity, limit, _ = caller
            quota, (wrong,) = quota_take_and_read(identity, limit, [invalid_keys_window_at(address)])
        if quota.exceeded or int(wrong or 0) >= settings.INVALID_KEYS_PER_MINUTE:
            environ[COUNTED] = (identity, quota, wrong)
            return None
        return quota

    def _replay(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        answer: Answer,
        quota: Quota | None,
        started: float,
    ) -> Iterable[bytes]:
        request_id = request_id_for(environ.get("HTTP_X_REQUEST_ID"))
        headers = list(answer.headers)
        if quota is not None:
            headers += [
                ("RateLimit-Limit", str(quota.limit)),
                ("RateLimit-Remaining", str(max(quota.remaining, 0))),
                ("RateLimit-Reset", str(quota.reset_seconds)),
                ("RateLimit-Policy", f"{quota.limit};w=60"),
            ]
        headers.append((REQUEST_ID_HEADER, request_id))
        start_response(answer.status, headers)
        elapsed = time.perf_counter() - started
        HTTP_REQUESTS.labels("GET", answer.route, "200").inc()
        HTTP_DURATION.labels("GET", answer.route).observe(elapsed)
        if not answer.api:
            PAGE_CACHE.labels("hit").inc()
        RequestMetricsMiddleware.log("GET", answer.route, 200, elapsed, 0, quiet=False, request_id=request_id)
        return [answer.body]

    def _through(
        self, environ: dict[str, Any], start_response: StartResponse, key: str, current: dict[str, int]
    ) -> Iterable[bytes]:
        """Django answers; the front keeps the answer when Django marked it shareable."""
        seen: list[Any] = []

        def seeing(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, seeing)
        mark = environ.get(SHAREABLE)
        if mark is None or not seen or not seen[0].startswith("200") or versions.fresh() is not current:
            return result
        params, api = mark
        headers = _kept_headers(seen[1])
        if headers is None or not _reads_only(environ.get("QUERY_STRING", ""), params):
            return result
        try:
            body = b"".join(result)  # one chunk (an HttpResponse): its own bytes, not a copy
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished
        answer = Answer(seen[0], headers, body, str(environ.get(ROUTE, "unmatched")), api)
        self.answers.put(key, answer, size=len(body) + 1024, timeout=ANSWER_SECONDS)
        caller = environ.get(CALLER) if api else None
        credential = _credential(environ) if caller is not None else None
        if caller is not None and credential is not None:
            if len(self.callers) >= MAX_CALLERS:
                self.callers.clear()
            self.callers[(*credential, current["access"])] = (*caller, time.monotonic() + KEY_SECONDS)
        return [body]


def _key(environ: dict[str, Any], current: dict[str, int]) -> str:
    """Everything Django's answer can depend on for a request without a cookie: the address as Django sees it (the
    forwarded host and scheme only where the settings trust them), and the versions."""
    return "\n".join(
        (
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SERVER_NAME", ""),
            environ.get("SERVER_PORT", ""),
            environ.get("HTTP_X_FORWARDED_HOST", "") if settings.USE_X_FORWARDED_HOST else "",
            environ.get(settings.SECURE_PROXY_SSL_HEADER[0], "") if settings.SECURE_PROXY_SSL_HEADER else "",
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            f"{current['data']}.{current['platform']}.{current['access']}",
        )
    )


def _credential(environ: dict[str, Any]) -> tuple[str, str] | None:
    """How the call's key was sent and the key's digest, as the API's auth finds it (accounts.api_auth: X-API-Key
    first, then a Bearer token); None for an anonymous call."""
    key = environ.get("HTTP_X_API_KEY")
    if key is not None:
        return "x-api-key", _digest(key)
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if authorization.lower().startswith("bearer "):
        return "bearer", _digest(authorization)
    return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def _kept_headers(headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...] | None:
    """Django's headers to send again, or None when the answer must not be kept: it sets a cookie, varies on
    anything but the cookie (which the front's requests have none of), or has no ETag."""
    kept = []
    has_etag = False
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie" or (lower == "vary" and value.replace(" ", "").lower() != "cookie"):
            return None
        has_etag = has_etag or lower == "etag"
        if lower not in PER_REQUEST:
            kept.append((name, value))
    return tuple(kept) if has_etag else None


def _reads_only(query: str, params: frozenset[str]) -> bool:
    """Whether the query names only parameters the view reads."""
    try:
        return all(name in params for name, _ in parse_qsl(query, keep_blank_values=True))
    except ValueError:
        return False
