"""Fixed-window request counting in the shared cache (Redis when configured), for the API's rate limits.

A count is one round trip (`lib.cache.count_and_read`), and a caller that also needs an entry from the shared
cache (the page cache, the wrong-key counter of the caller's address) reads it in that same round trip.

Leases. A high limit need not cost a round trip a request: a process counts LEASE_SHARE-th of the limit at once (at
most MAX_LEASE requests; none for limits under 2 x LEASE_SHARE, which are counted exactly) and hands those numbers
out to its own requests, one each, then counts the next lease. Every request still has its own number in the shared
window, and a request whose number is over the limit is refused, so a limit is never exceeded across servers. What
a lease costs is the other way: numbers a process leased but did not use before the window ended are lost, so with
several processes a caller may be refused up to (processes - 1) x lease requests early (about 1% of the limit per
process). In one process, numbers come out exactly as without leases. The values read with a lease's count (the
address's wrong keys) are those read when it was counted, for the lease's few requests.
"""

import threading
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
    """`quota_take`, and the shared cache's values under `reads` (None when missing), in one round trip (or none,
    from this process's lease)."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    used, values = _number(identity, window, lease_size(limit), tuple(reads))
    reset = int((window + 1) * WINDOW_SECONDS - now) or 1
    return Quota(limit=limit, remaining=limit - used, reset_seconds=reset), values


LEASE_SHARE = 100
MAX_LEASE = 64
MAX_LEASES = 10_000  # identities with a lease in one process; past it, every lease is given up at once


def lease_size(limit: int) -> int:
    """How many requests a process counts at once for a limit (1: each request is counted as it comes)."""
    return max(1, min(MAX_LEASE, limit // LEASE_SHARE))


@dataclass
class _Lease:
    window: int
    next: int  # the next number to hand out
    last: int  # the last number leased
    values: list[Any]


_leases: dict[tuple[str, tuple[str, ...]], _Lease] = {}
_leases_lock = threading.Lock()


def _number(identity: str, window: int, size: int, reads: tuple[str, ...]) -> tuple[int, list[Any]]:
    """This request's number in the identity's window, and the values under `reads`."""
    key = (identity, reads)
    if size > 1:
        with _leases_lock:
            lease = _leases.get(key)
            if lease is not None and lease.window == window and lease.next <= lease.last:
                lease.next += 1
                return lease.next - 1, lease.values
    (counted,), values = count_and_read([(f"ratelimit:{identity}:{window}", WINDOW_SECONDS + 5)], reads, by=size)
    first = counted - size + 1
    if size > 1:
        with _leases_lock:
            if len(_leases) >= MAX_LEASES:
                _leases.clear()
            _leases[key] = _Lease(window, first + 1, counted, values)
    return first, values


def forget_leases() -> None:
    """Give up this process's leases (tests that empty the shared cache)."""
    with _leases_lock:
        _leases.clear()


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
