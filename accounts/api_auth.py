"""Who is calling the API and how much they may call it, as django-ninja security and throttle classes: the
OpenAPI security schemes come from these classes, and `request.auth` is the caller (an `ApiKey`, or `ANONYMOUS`).

Keys are optional: a call without one is anonymous and limited per address. A key that is sent but is not valid
is refused (401), never quietly treated as anonymous.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer
from ninja.throttling import BaseThrottle

from accounts.models import ApiKey
from accounts.services import api_key_check
from accounts.throttle import invalid_key_presented, invalid_keys_blocked, invalid_keys_window
from lib.http import client_ip
from lib.ratelimit import Quota, quota_take, quota_take_and_read


class Anonymous:
    """The caller without a key."""

    def __bool__(self) -> bool:
        return True  # django-ninja takes a falsy answer as "not authenticated"

    def __repr__(self) -> str:
        return "ANONYMOUS"


ANONYMOUS = Anonymous()


class InvalidKey(AuthenticationError):
    """A key was sent, and it is not a valid, active key."""


class KeyGuessing(AuthenticationError):
    """Too many wrong keys from one address (accounts.throttle): it may not try more for a while."""


def _checked(request: HttpRequest, key: str) -> ApiKey:
    found = api_key_check(key.strip())  # from process memory (accounts.services): no round trip
    if found is None:
        if invalid_keys_blocked(request):
            raise KeyGuessing(429, "too many wrong keys")
        invalid_key_presented(request)
        raise InvalidKey(401, "invalid key")
    # A valid key: its request is counted and the address's wrong keys are read in one round trip. A blocked
    # address is refused even with a valid key (the key may be the guess that hit).
    identity, limit = _limit_of(found)
    quota, (wrong,) = quota_take_and_read(identity, limit, [invalid_keys_window(request)])
    if invalid_keys_blocked(request, count=int(wrong or 0)):
        raise KeyGuessing(429, "too many wrong keys")
    request.key_quota = quota  # type: ignore[attr-defined]  # QuotaThrottle counts it no second time
    return found


def _limit_of(key: ApiKey) -> tuple[str, int]:
    """The rate-limit identity and limit of a key's calls."""
    return f"key:{key.pk}", key.rate_limit_per_minute or settings.API_KEY_RATE_PER_MINUTE


# The class names are the security schemes' names in the OpenAPI document.
class ApiKeyHeader(APIKeyHeader):
    """`X-API-Key: <key>`."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return _checked(request, key) if key is not None else None


class BearerKey(HttpBearer):
    """`Authorization: Bearer <key>`."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None  # no key here: the next way in decides
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        return _checked(request, token)


def anonymous(request: HttpRequest) -> Anonymous:
    """No key: allowed, at the anonymous rate."""
    return ANONYMOUS


AUTH: list[Callable[[HttpRequest], Any]] = [ApiKeyHeader(), BearerKey(), anonymous]  # reads: a key is optional
KEY_REQUIRED: list[Callable[[HttpRequest], Any]] = [ApiKeyHeader(), BearerKey()]  # writes


def anonymous_limit(address: str) -> tuple[str, int]:
    """The rate-limit identity and limit of calls without a key from `address` (`lib.http.client_ip`)."""
    return f"ip:{address}", settings.API_ANON_RATE_PER_MINUTE


def caller_key(request: HttpRequest) -> ApiKey | None:
    """The API key of this call, if it came with one."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


class QuotaThrottle(BaseThrottle):
    """Fixed one-minute windows counted atomically in the shared cache (`lib.ratelimit`): per key when the call
    has one (the key's own limit, else API_KEY_RATE_PER_MINUTE), else per address (API_ANON_RATE_PER_MINUTE).
    The quota is left on the request for the RateLimit-* headers. A key's request was counted when its key was
    checked (`_checked`, in the same round trip as the wrong-key check), and is not counted again."""

    def __init__(self) -> None:
        self._last = threading.local()  # wait() is asked right after allow_request(), on the same thread

    def allow_request(self, request: HttpRequest) -> bool:
        key = caller_key(request)
        quota: Quota | None = getattr(request, "key_quota", None) if key is not None else None
        if quota is None:
            identity, limit = _limit_of(key) if key is not None else anonymous_limit(client_ip(request))
            quota = quota_take(identity, limit)
        request.rate_quota = quota  # type: ignore[attr-defined]
        self._last.quota = quota
        return not quota.exceeded

    def wait(self) -> float | None:
        quota: Quota | None = getattr(self._last, "quota", None)
        return float(quota.reset_seconds) if quota else None


THROTTLE: list[BaseThrottle] = [QuotaThrottle()]
