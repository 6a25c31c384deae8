"""Counting and reading in the shared cache in one round trip, and whether it answers.

The shared cache is Django's cache framework: Redis through django-redis when `REDIS_URL` is set (failing open,
`lib.redis_cache`), else process memory. Counters must be counted where every server counts together, so
`count_and_read` counts them and reads what else the request needs (a cached page, the address's wrong-key count)
in one round trip: one Lua script (`COUNT_AND_READ`, sent by EVALSHA), so a new counter gets its expiry atomically
with its first count. Redis away: every counter counts as if first, every read finds nothing.
"""

from collections.abc import Sequence
from typing import Any

from django.core.cache import caches

from lib.redis_cache import UNREACHABLE

# count_and_read as one command with one reply (EVALSHA): KEYS are the counters then the reads, ARGV[1] how many
# counters, ARGV[2] how many events each counts, ARGV[2 + i] the seconds counter i lives once created (set only by
# the events that create it, so its window's end stays put).
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

_scripts: dict[int, Any] = {}  # the registered script, per redis-py client (one per process and connection pool)


def _redis_client(backend: Any) -> Any:
    """The redis-py client of a django-redis cache, or None for any other backend."""
    client = getattr(backend, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None and hasattr(client, "decode") else None


def count_and_read(
    counters: Sequence[tuple[str, int]], reads: Sequence[str] = (), *, by: int = 1
) -> tuple[list[int], list[Any]]:
    """Count `by` events under each of `counters` (key, seconds it lives once created) and read each of `reads`: one
    round trip when the default cache is Redis. Returns the counts and the values (None when missing)."""
    backend = caches["default"]
    redis = _redis_client(backend)
    if redis is None:
        return _count_and_read_locally(backend, counters, reads, by)
    return _count_and_read_in_redis(backend, redis, counters, reads, by)


def _count_and_read_in_redis(
    backend: Any, redis: Any, counters: Sequence[tuple[str, int]], reads: Sequence[str], by: int
) -> tuple[list[int], list[Any]]:
    fallback: tuple[list[int], list[Any]] = ([by] * len(counters), [None] * len(reads))
    try:
        script = _scripts.get(id(redis))
        if script is None:
            script = _scripts[id(redis)] = redis.register_script(COUNT_AND_READ)
        names = [backend.make_and_validate_key(key) for key, _ in counters]
        names += [backend.make_and_validate_key(key) for key in reads]
        results = script(keys=names, args=[len(counters), by, *(seconds for _, seconds in counters)])
    except UNREACHABLE:
        return fallback  # lib.redis_cache counted and logged it
    counts = [int(count) for count in results[: len(counters)]]
    decode = backend.client.decode  # django-redis's own serializer, as its get() reads
    return counts, [None if raw is None else decode(raw) for raw in results[len(counters) :]]


def _count_and_read_locally(
    backend: Any, counters: Sequence[tuple[str, int]], reads: Sequence[str], by: int
) -> tuple[list[int], list[Any]]:
    counts = []
    for key, seconds in counters:
        try:
            counts.append(int(backend.incr(key, by)))
        except ValueError:  # the first events of its window: add() is atomic, so two first counts cannot both win
            counts.append(by if backend.add(key, by, seconds) else int(backend.incr(key, by)))
    return counts, [backend.get(key) for key in reads]


def cache_answers() -> bool | None:
    """Whether the shared cache answers now (for /readyz): False while the breaker is open (it failed in the last
    seconds); None when the cache is this process's memory (nothing to ask)."""
    redis = _redis_client(caches["default"])
    if redis is None:
        return None
    try:
        return bool(redis.ping())
    except UNREACHABLE:
        return False
