"""Fixed-window request counting in the shared cache (Redis when configured), for the API's rate limits."""

import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_seconds: int

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def quota_take(identity: str, limit: int) -> Quota:
    """Count one request for `identity` in the current minute and say what is left."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:{identity}:{window}"
    # One round trip in the usual case: incr() an existing counter; the first request of a window creates
    # it with add(), which is atomic, so two first requests cannot both start at 1.
    try:
        used = cache.incr(key)
    except ValueError:
        used = 1 if cache.add(key, 1, WINDOW_SECONDS + 5) else cache.incr(key)
    reset = int((window + 1) * WINDOW_SECONDS - now) or 1
    return Quota(limit=limit, remaining=limit - used, reset_seconds=reset)


def window_count(key: str, window_seconds: int) -> int:
    """Count one event under `key` in a fixed window of `window_seconds`; returns the count so far."""
    bucket = f"{key}:{int(time.time() // window_seconds)}"
    try:
        return int(cache.incr(bucket))
    except ValueError:
        return 1 if cache.add(bucket, 1, window_seconds + 5) else int(cache.incr(bucket))


def window_peek(key: str, window_seconds: int) -> int:
    """How many events `key` has counted in the current window, without counting one."""
    return int(cache.get(f"{key}:{int(time.time() // window_seconds)}") or 0)


def window_clear(key: str, window_seconds: int) -> None:
    cache.delete(f"{key}:{int(time.time() // window_seconds)}")
