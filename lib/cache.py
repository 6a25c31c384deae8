"""The shared cache, resilient: when Redis is unreachable, rolescope keeps answering.

The page cache, rate-limit counters and sign-in throttles live in Redis when `REDIS_URL` is set. If Redis stops,
every request would fail on its first cache call; instead each call here fails open: a read finds nothing (pages
are rendered afresh), a write is dropped, a counter counts one (limits allow the request). A failure is logged
(at most every few seconds) and counted, and for BREAKER_SECONDS afterwards no call waits on Redis at all, so an
outage costs each request nothing. Then Redis is tried again.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("rolescope.cache")

BREAKER_SECONDS = 2.0
LOG_EVERY_SECONDS = 10.0

T = TypeVar("T")


class CacheHealth:
    """How the shared cache has fared in this process (read by /readyz and the metrics)."""

    def __init__(self) -> None:
        self.failures = 0
        self.down_until = 0.0
        self.last_logged = 0.0
        self.lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            self.down_until = now + BREAKER_SECONDS
            log = now - self.last_logged >= LOG_EVERY_SECONDS
            if log:
                self.last_logged = now
        if log:
            logger.warning(
                "The shared cache (Redis) failed on %s: %s. Serving without it for %.0f s at a time.",
                operation,
                error,
                BREAKER_SECONDS,
            )


_healths: dict[str, CacheHealth] = {}


def health_of(location: str) -> CacheHealth:
    """The health of the Redis at `location`, shared by every cache object using it in this process."""
    return _healths.setdefault(location, CacheHealth())


def failures() -> int:
    """Failed calls to any shared cache in this process."""
    return sum(health.failures for health in _healths.values())


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, failing open (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.health = health_of(server)

    def _guard(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if self.health.is_down:
            return fallback
        try:
            return call()
        except Exception as error:  # redis raises ConnectionError, TimeoutError, ResponseError, OSError...
            self.health.failed(operation, error)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._guard("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        if timeout is None:
            self._guard("set", lambda: super(ResilientRedisCache, self).set(key, value, version=version), None)
        else:
            self._guard("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        # Failing open: as if added, so a first-request-of-the-window counter proceeds.
        if timeout is None:
            return self._guard("add", lambda: super(ResilientRedisCache, self).add(key, value, version=version), True)
        return self._guard("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        if self.health.is_down:
            return delta  # a counter that counts one: every limit allows the request
        try:
            return int(super().incr(key, delta, version))
        except ValueError:
            raise  # the key is missing: the caller creates it (lib.ratelimit)
        except Exception as error:
            self.health.failed("incr", error)
            return delta

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def set_many(self, data: Any, timeout: Any = None, version: int | None = None) -> list[Any]:
        if timeout is None:
            return self._guard("set_many", lambda: super(ResilientRedisCache, self).set_many(data, version=version), [])
        return self._guard("set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def clear(self) -> None:
        self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), None)

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz): asked even while the breaker is open."""
        try:
            return bool(self._cache.get_client(write=True).ping())  # type: ignore[attr-defined]
        except Exception as error:
            self.health.failed("ping", error)
            return False
