"""Redis as the shared cache, through django-redis, failing open: when Redis is unreachable, rolescope keeps answering.

The page cache, rate-limit counters and sign-in throttles live in Redis when `REDIS_URL` is set. If Redis stops,
every request would fail on its first cache call; instead django-redis's own `IGNORE_EXCEPTIONS` turns each failed
call into a miss (a read finds nothing, a write is dropped), and `lib.cache.count_and_read` counts one (limits
allow the request).

What django-redis does not have is a breaker: without one, every request of an outage would wait out the socket
timeout. `BreakerConnection` (redis-py's own `Connection`, the class redis-py subclasses for TLS and Unix sockets)
records each connection failure, logs it at most every LOG_EVERY_SECONDS, and for BREAKER_SECONDS afterwards refuses
at once, so an outage costs a request nothing; then Redis is tried again. Nothing here imports Django's cache, so the
settings can name it.
"""

import logging
import threading
import time
from typing import Any

from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("rolescope.cache")

BREAKER_SECONDS = 2.0
LOG_EVERY_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 0.25  # how long to wait for Redis before serving without it
COMMAND_TIMEOUT_SECONDS = 0.5

# What says that Redis is away (not an error in one command, such as a wrong type).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


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

    def failed(self, operation: str, error: BaseException) -> None:
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

    def reset(self) -> None:
        """Forget past failures (tests that bring Redis back at once)."""
        with self.lock:
            self.down_until = 0.0


_healths: dict[str, CacheHealth] = {}


def health_of(address: str) -> CacheHealth:
    """The health of the Redis at `address` (host:port) in this process, shared by every connection to it."""
    return _healths.setdefault(address, CacheHealth())


def failures() -> int:
    """Failed calls to any shared cache in this process."""
    return sum(health.failures for health in _healths.values())


class BreakerConnection(Connection):
    """A Redis connection that refuses at once while the breaker is open, and opens it when Redis fails."""

    @property
    def health(self) -> CacheHealth:
        return health_of(f"{self.host}:{self.port}")

    def _breaker(self) -> None:
        if self.health.is_down:
            raise RedisConnectionError(f"Redis failed less than {BREAKER_SECONDS:.0f} s ago; not waiting on it")

    def connect(self) -> None:
        self._breaker()
        try:
            super().connect()
        except UNREACHABLE as error:
            self.health.failed("connect", error)
            raise

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self._breaker()
        try:
            super().send_packed_command(command, check_health)
        except UNREACHABLE as error:
            self.health.failed("send", error)
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except UNREACHABLE as error:
            self.health.failed("read", error)
            raise


class BreakerConnectionPool(ConnectionPool):
    """redis-py's pool, making `BreakerConnection`s (django-redis's `CONNECTION_POOL_CLASS`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("connection_class", Connection) is Connection:
            kwargs["connection_class"] = BreakerConnection
        super().__init__(*args, **kwargs)


def redis_cache(url: str, *, key_prefix: str = "rolescope") -> dict[str, Any]:
    """The Django cache settings for Redis at `url`: django-redis, failing open, with the breaker above."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "CONNECTION_POOL_CLASS": "lib.redis_cache.BreakerConnectionPool",
            "SOCKET_CONNECT_TIMEOUT": CONNECT_TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": COMMAND_TIMEOUT_SECONDS,
            "IGNORE_EXCEPTIONS": True,  # a failed call is a miss; BreakerConnection logs and counts it
        },
    }
