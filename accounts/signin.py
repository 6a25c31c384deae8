"""Sign-in throttling: failed attempts counted per username and per address in the shared cache."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _keys(username: str, address: str) -> list[str]:
    return [f"signin-failures:user:{username.strip().lower()}", f"signin-failures:ip:{address}"]


def signin_blocked(username: str, address: str) -> bool:
    limit = settings.SIGNIN_ATTEMPTS_PER_15_MINUTES
    return any((cache.get(key) or 0) >= limit for key in _keys(username, address))


def signin_failed(username: str, address: str) -> None:
    for key in _keys(username, address):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS)


def signin_succeeded(username: str) -> None:
    cache.delete(f"signin-failures:user:{username.strip().lower()}")
