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
from lib.ratelimit import quota_take, quota_take_and_read


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


KEY_GUESSING_WAIT_SECONDS = 60


def _checked(request: HttpRequest, key: str) -> ApiKey:
    """The valid, active key `key` names; refused otherwise. Counting the call is the throttle's (`CallerThrottle`)."""
    found = api_key_check(key.strip())  # from process memory (accounts.services): no round trip
    if found is None:
        if invalid_keys_blocked(request):
            raise KeyGuessing(429, "too many wrong keys")
        invalid_key_presented(request)
        raise InvalidKey(401, "invalid key")
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


class CallerThrottle(BaseThrottle):
    """The one count of every API call: fixed one-minute windows counted atomically in the shared cache
    (`lib.ratelimit`, leases for high limits), per key when the call has one (the key's own limit, else
    API_KEY_RATE_PER_MINUTE), else per address (API_ANON_RATE_PER_MINUTE). A keyed call also reads its address's
    wrong-key count in the same round trip: an address that guessed too many keys is refused even with a valid key
    (the key may be the guess that hit), `request.key_guessing` says so to the API's 429 handler. The quota is left
    on the request (`rate_quota`), whose RateLimit-* headers `lib.api_http` writes on the answer."""

    def __init__(self) -> None:
        self._last = threading.local()  # wait() is asked right after allow_request(), on the same thread

    def allow_request(self, request: HttpRequest) -> bool:
        key = caller_key(request)
        guessing = False
        if key is None:
            quota = quota_take(*anonymous_limit(client_ip(request)))
        else:
            quota, (wrong,) = quota_take_and_read(*_limit_of(key), [invalid_keys_window(request)])
            guessing = invalid_keys_blocked(request, count=int(wrong or 0))
        request.rate_quota = quota  # type: ignore[attr-defined]
        request.key_guessing = guessing  # type: ignore[attr-defined]
        self._last.wait = KEY_GUESSING_WAIT_SECONDS if guessing else quota.reset_seconds
        return not (quota.exceeded or guessing)

    def wait(self) -> float | None:
        wait: int | None = getattr(self._last, "wait", None)
        return float(wait) if wait is not None else None


THROTTLE: list[BaseThrottle] = [CallerThrottle()]
