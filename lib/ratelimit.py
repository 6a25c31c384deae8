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
