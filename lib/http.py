"""HTTP helpers: a page cache for anonymous visitors keyed on a version the caller names, with ETag and 304s, and
the validity nginx's page cache in front reads (X-Accel-Expires)."""

import hashlib
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, urlencode
from prometheus_client import Counter

from lib.problems import problem_response
from lib.ratelimit import quota_take, quota_take_and_read
from lib.site import site_origin

View = Callable[..., HttpResponse]


MAX_KEYED_VALUE = 200  # a parameter longer than this is not worth an entry: the page is rendered, not kept

# Counted where the page cache is; /metrics (ops.metrics) shows it.
PAGE_CACHE = Counter(
    "rolescope_cache_requests_total", "Anonymous page cache lookups, by result: hit or miss.", ["result"]
)


def cached_page(
    *, version: Callable[[], str], params: tuple[str, ...] = (), timeout: int = 3600, max_age: int = 300
) -> Callable[[View], View]:
    """Cache a GET view's 200 responses for anonymous visitors. The key is the path, the query `params` the view
    reads (any other parameter, `?utm_source=...` say, shares the entry: unread parameters cannot fill the cache),
    and `version()` (what the page shows depends on, e.g. the data and platform versions), so a change serves new
    pages at once. Sends ETag, Last-Modified and answers 304.

    The entries are in the shared cache (Redis when configured), so every server shares them. Under `rate_limited`,
    the entry is read in the counter's round trip."""

    def decorator(view: View) -> View:
        def page_key(request: HttpRequest) -> str | None:
            """The page's cache key, or None when this request is not answered from the cache."""
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                return None
            read = [(name, value) for name in params for value in request.GET.getlist(name)]
            if any(len(value) > MAX_KEYED_VALUE for _, value in read):
                return None
            # The origin absolute links are built from (lib.site): one entry per site address, never a client's
            # spelling of it.
            where = f"{site_origin(request)}{request.path}?{urlencode(read)}"
            digest = hashlib.sha256(where.encode()).hexdigest()[:32]
            return f"page:{view.__module__}.{view.__name__}:{version()}:{digest}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = page_key(request)
            if key is None:
                return view(request, *args, **kwargs)
            entry = _page_entry(request, key)
            PAGE_CACHE.labels("miss" if entry is None else "hit").inc()
            if entry is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or getattr(response, "streaming", False):
                    return response
                if hasattr(response, "render"):
                    response.render()
                etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
                entry = {
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "etag": etag,
                    "last_modified": http_date(),
                    "headers": {k: v for k, v in response.items() if k.lower() in ("content-disposition",)},
                }
                cache.set(key, entry, timeout)
            if request.headers.get("If-None-Match") == entry["etag"]:
                response = HttpResponseNotModified()
            else:
                response = HttpResponse(entry["content"], content_type=entry["content_type"])
                for header, value in entry["headers"].items():
                    response[header] = value
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = entry["last_modified"]
            patch_cache_control(response, public=True, max_age=max_age)
            # How long nginx in front keeps the page (it reads this header first and does not pass it on): a few
            # seconds, so a version bump shows there within PAGE_CACHE_SECONDS.
            response["X-Accel-Expires"] = str(settings.PAGE_CACHE_SECONDS)
            return response

        wrapper.page_key = page_key  # type: ignore[attr-defined]  # for rate_limited: one round trip for both
        return wrapper

    return decorator


def _page_entry(request: HttpRequest, key: str) -> dict[str, Any] | None:
    """The cached page under `key`: read already by `rate_limited`, or from the shared cache. A page read as missing
    is read again: the count may have come from this process's lease (lib.ratelimit), whose reads are as old as the
    lease, and the page may have been stored since."""
    prefetched: tuple[str, dict[str, Any] | None] | None = getattr(request, "page_prefetched", None)
    if prefetched is not None and prefetched[0] == key and prefetched[1] is not None:
        return prefetched[1]
    entry: dict[str, Any] | None = cache.get(key)
    return entry


def client_ip(request: HttpRequest) -> str:
    """The caller's address; behind API_TRUSTED_PROXIES proxies, the one they saw."""
    return client_ip_of(request.META)


def client_ip_of(meta: Mapping[str, Any]) -> str:
    """`client_ip` from a request's META (a WSGI environ)."""
    proxies = settings.API_TRUSTED_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(meta.get("REMOTE_ADDR", "unknown"))


class RefuseNulMiddleware:
    """A NUL character can be in no address rolescope answers (PostgreSQL cannot even store one): a request whose
    path or query has one is a 400 with a message, never a server error deeper in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            detail = "The address contains a NUL character (%00), which no search or name can contain."
            if request.path.startswith("/api/"):
                return problem_response(400, "Bad request", detail)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def rate_limited(*, per_minute: Callable[[], int]) -> Callable[[View], View]:
    """Limit a public view that does work (downloads, autocomplete) per address: over `per_minute()` requests in
    a minute, a 429 with Retry-After. Over a `cached_page` view, the page is read from the shared cache in the
    same round trip as the count (when this worker does not have it in memory)."""

    def decorator(view: View) -> View:
        page_key: Callable[[HttpRequest], str | None] | None = getattr(view, "page_key", None)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            identity = f"page:{view.__module__}.{view.__name__}:{client_ip(request)}"
            key = page_key(request) if page_key is not None else None
            if key is None:
                quota = quota_take(identity, per_minute())
            else:
                quota, (entry,) = quota_take_and_read(identity, per_minute(), [key])
                request.page_prefetched = (key, entry)  # type: ignore[attr-defined]
            if quota.exceeded:
                response = HttpResponse(
                    f"Too many requests: at most {quota.limit} a minute. Try again in {quota.reset_seconds} seconds.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(quota.reset_seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
