"""Fixed-window request counting in the shared cache (Redis when configured), for the API's rate limits.

A count is one round trip (`lib.cache.count_and_read`), and a caller that also needs an entry from the shared
cache (the page cache, the wrong-key counter of the caller's address) reads it in that same round trip."""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from lib.cache import count_and_read

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
    return quota_take_and_read(identity, limit)[0]


def quota_take_and_read(identity: str, limit: int, reads: Sequence[str] = ()) -> tuple[Quota, list[Any]]:
    """`quota_take`, and the shared cache's values under `reads` (None when missing), in one round trip."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    (used,), values = count_and_read([(f"ratelimit:{identity}:{window}", WINDOW_SECONDS + 5)], reads)
    reset = int((window + 1) * WINDOW_SECONDS - now) or 1
    return Quota(limit=limit, remaining=limit - used, reset_seconds=reset), values


def window_key(key: str, window_seconds: int) -> str:
    """The shared cache's key counting `key` in the current window of `window_seconds`."""
    return f"{key}:{int(time.time() // window_seconds)}"


def window_count(key: str, window_seconds: int) -> int:
    """Count one event under `key` in a fixed window of `window_seconds`; returns the count so far."""
    (count,), _ = count_and_read([(window_key(key, window_seconds), window_seconds + 5)])
    return count


def window_peek(key: str, window_seconds: int) -> int:
    """How many events `key` has counted in the current window, without counting one."""
    return int(cache.get(window_key(key, window_seconds)) or 0)


def window_clear(key: str, window_seconds: int) -> None:
    cache.delete(window_key(key, window_seconds))
