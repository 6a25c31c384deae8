"""The shared cache, resilient: when Redis is unreachable, rolescope keeps answering.

The page cache, rate-limit counters and sign-in throttles live in Redis when `REDIS_URL` is set. If Redis stops,
every request would fail on its first cache call; instead each call here fails open: a read finds nothing (pages
are rendered afresh), a write is dropped, a counter counts one (limits allow the request). A failure is logged
(at most every few seconds) and counted, and for BREAKER_SECONDS afterwards no call waits on Redis at all, so an
outage costs each request nothing. Then Redis is tried again.

Two tiers. With Redis, each process keeps a `LocalTier` in front of it: a bounded, least-recently-used store in
memory for entries whose key names everything they depend on (a page's key holds the data and platform versions),
so a local entry is never stale, only old. A hit there costs no round trip. Counters cannot be answered locally
(every server counts together), so `count_and_read` counts them and reads what else the request needs from Redis
in one round trip: one Lua script (`COUNT_AND_READ`, sent by EVALSHA), so a new counter gets its expiry atomically
with its first count.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

logger = logging.getLogger("rolescope.cache")

BREAKER_SECONDS = 2.0
LOG_EVERY_SECONDS = 10.0
LOCAL_TIER_BYTES = 32 * 1024 * 1024  # a worker's local copies of shared entries (pages are ~25-100 kB)

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


class LocalTier:
    """Process memory in front of the shared cache: at most `max_bytes` of values (their size as the caller
    measures it), least recently used first out, each kept at most its timeout. Only for entries whose key changes
    whenever their value must (see the module docstring): nothing here is invalidated."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[Any, int, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        """The value under `key`, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[2] <= time.monotonic():
                if entry is not None:
                    self._drop(key)
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: str, value: Any, *, size: int, timeout: float) -> None:
        if size > self.max_bytes // 8:  # one huge entry would push out everything else
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (value, size, time.monotonic() + timeout)
            self.size += size
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)


_local_tiers: dict[str, LocalTier] = {}


def local_tier() -> LocalTier | None:
    """The default cache's local tier: None when the default cache is itself process memory (no REDIS_URL)."""
    return getattr(caches["default"], "local", None)


def count_and_read(
    counters: Sequence[tuple[str, int]], reads: Sequence[str] = (), *, by: int = 1
) -> tuple[list[int], list[Any]]:
    """Count `by` events under each of `counters` (key, seconds it lives once created) and read each of `reads`: one
    round trip when the default cache is Redis. Returns the counts and the values (None when missing)."""
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.count_and_read(counters, reads, by=by)
    counts = []
    for key, seconds in counters:
        try:
            counts.append(int(backend.incr(key, by)))
        except ValueError:  # the first events of its window: add() is atomic, so two first counts cannot both win
            counts.append(by if backend.add(key, by, seconds) else int(backend.incr(key, by)))
    return counts, [backend.get(key) for key in reads]


# count_and_read as one command with one reply (EVALSHA), atomic like MULTI/EXEC but without its four replies to
# parse: KEYS are the counters then the reads, ARGV[1] how many counters, ARGV[2] how many events each counts,
# ARGV[2 + i] the seconds counter i lives once created (set only by the events that create it, so its window's end
# stays put).
COUNT_AND_READ = """
local counters = tonumber(ARGV[1])
local by = tonumber(ARGV[2])
local out = {}
for i = 1, counters do
  local count = redis.call('INCRBY', KEYS[i], by)
  if count == by then redis.call('EXPIRE', KEYS[i], ARGV[i + 2]) end
  out[i] = count
end
for i = counters + 1, #KEYS do
  out[i] = redis.call('GET', KEYS[i])
end
return out
"""


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping its `redis.Redis` object: Django makes a new one for every call, which costs a
    cached request a third of a millisecond. One per connection pool is enough: it is thread-safe, and its pool
    opens new connections in a forked worker."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._kept: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # the stubs do not know Django's private helpers
        index = django._get_connection_pool_index(write)
        client = self._kept.get(index)
        if client is None:
            client = self._kept[index] = django._client(connection_pool=django._get_connection_pool(write))
        return client


_clients: dict[str, KeptClientRedisCacheClient] = {}


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, failing open (see the module docstring), with a local tier in front for the callers
    that ask for it (`local_tier()`) and pipelined counting (`count_and_read`)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self.health = health_of(server)
        django: Any = self
        self._client_key = f"{server} {sorted(django._options.items())!r}"
        # One tier per Redis (and key prefix) and process, like its health: Django makes a cache object per thread.
        self.local = _local_tiers.setdefault(f"{server} {self.key_prefix}", LocalTier(max_bytes=LOCAL_TIER_BYTES))
        self._count_and_read_scripts: dict[int, Any] = {}

    @cached_property
    def _cache(self) -> KeptClientRedisCacheClient:
        # One client (and so one connection pool) per Redis and process: Django makes a cache object per thread.
        client = _clients.get(self._client_key)
        if client is None:
            django: Any = self
            client = _clients.setdefault(self._client_key, django._class(django._servers, **django._options))
        return client

    def count_and_read(
        self, counters: Sequence[tuple[str, int]], reads: Sequence[str] = (), *, by: int = 1
    ) -> tuple[list[int], list[Any]]:
        """See the module-level `count_and_read`. Failing open: every counter counts as if first (`by`), every read
        finds nothing."""
        fallback: tuple[list[int], list[Any]] = ([by] * len(counters), [None] * len(reads))
        if self.health.is_down:
            return fallback
        try:
            client = self._cache.get_client(write=True)
            script = self._count_and_read_scripts.get(id(client))
            if script is None:
                script = self._count_and_read_scripts[id(client)] = client.register_script(COUNT_AND_READ)
            names = [self.make_and_validate_key(key) for key, _ in counters]
            names += [self.make_and_validate_key(key) for key in reads]
            results = script(keys=names, args=[len(counters), by, *(seconds for _, seconds in counters)])
        except Exception as error:
            self.health.failed("count_and_read", error)
            return fallback
        counts = [int(count) for count in results[: len(counters)]]
        serializer = cast(Any, self._cache)._serializer
        values = [None if raw is None else serializer.loads(raw) for raw in results[len(counters) :]]
        return counts, values

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
        self.local.clear()
        self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), None)

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz): asked even while the breaker is open."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except Exception as error:
            self.health.failed("ping", error)
            return False
