"""The HTTP edge of the API: what every answer under /api/ carries, whatever route (or none) served it."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from lib.problems import problem_response
from lib.ratelimit import Quota

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit-Policy",
}


@dataclass(frozen=True)
class JsonAnswer:
    """An API answer's JSON bytes and their ETag, computed once when the answer is made, so an answer kept in a
    process memo (`sources.versions.memoized`) costs a request neither serialising nor hashing. Django's
    ConditionalGetMiddleware answers 304 to a matching If-None-Match, and computes no ETag of its own."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "JsonAnswer":
        return cls(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, content_type="application/json")
        response["ETag"] = self.etag
        return response


class ApiHttpMiddleware:
    """CORS for reads (any origin may GET; writes are for servers), the caller's RateLimit-* headers (the quota the
    API's throttle counted), the API's problem format for addresses outside every route, and a default
    Cache-Control for successful reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method == "OPTIONS":
            preflight = HttpResponse(status=204)
            preflight["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            preflight["Access-Control-Allow-Headers"] = "Authorization, X-API-Key, If-None-Match"
            preflight["Access-Control-Max-Age"] = "86400"
            return self._cors(preflight)
        response = self.get_response(request)
        if response.status_code in (404, 405) and "json" not in response.get("Content-Type", ""):
            # An address outside every API route: answer in the API's own error format.
            allow = response.get("Allow")
            response = problem_response(
                response.status_code,
                "Not found" if response.status_code == 404 else "Method not allowed",
                f"There is no {request.method} {request.path}; the endpoints are listed at /api/v1/docs.",
            )
            if allow:
                response["Allow"] = allow
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, public=True, max_age=300)
        quota: Quota | None = getattr(request, "rate_quota", None)
        if quota is not None:
            response["RateLimit-Limit"] = str(quota.limit)
            response["RateLimit-Remaining"] = str(max(quota.remaining, 0))
            response["RateLimit-Reset"] = str(quota.reset_seconds)
            response["RateLimit-Policy"] = f"{quota.limit};w=60"
        return self._cors(response)

    @staticmethod
    def _cors(response: HttpResponse) -> HttpResponse:
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response
