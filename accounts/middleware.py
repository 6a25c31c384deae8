"""Who is calling the API, how much they may call it, and CORS, for every request under /api/."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from accounts.ratelimit import quota_take
from accounts.services import api_key_check
from lib.problems import problem_response

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit-Policy",
}


def client_ip(request: HttpRequest) -> str:
    """The caller's address; behind API_TRUSTED_PROXIES proxies, the one they saw."""
    proxies = settings.API_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def presented_key(request: HttpRequest) -> str | None:
    key = request.headers.get("X-API-Key")
    if key is not None:
        return key.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


class ApiAccessMiddleware:
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

        plain = presented_key(request)
        request.api_key = None  # type: ignore[attr-defined]
        if plain is not None:
            key = api_key_check(plain)
            if key is None:
                return self._cors(
                    problem_response(
                        401,
                        "Invalid API key",
                        "The API key is not valid or has been revoked. Create a key on your account page, or call "
                        "without one at the anonymous rate.",
                    )
                )
            request.api_key = key  # type: ignore[attr-defined]
            identity, limit = f"key:{key.pk}", key.rate_limit_per_minute or settings.API_KEY_RATE_PER_MINUTE
        else:
            identity, limit = f"ip:{client_ip(request)}", settings.API_ANON_RATE_PER_MINUTE

        quota = quota_take(identity, limit)
        if quota.exceeded:
            response: HttpResponse = problem_response(
                429,
                "Too many requests",
                f"This {'key' if plain else 'address'} may make {limit} requests a minute. Try again in "
                f"{quota.reset_seconds} seconds{'' if plain else ', or use an API key for a higher limit'}.",
            )
            response["Retry-After"] = str(quota.reset_seconds)
        else:
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
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(quota.remaining, 0))
        response["RateLimit-Reset"] = str(quota.reset_seconds)
        response["RateLimit-Policy"] = f"{limit};w=60"
        return self._cors(response)

    @staticmethod
    def _cors(response: HttpResponse) -> HttpResponse:
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response
