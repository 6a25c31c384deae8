"""The two-tier cache (lib.cache): the local tier's bounds, counting and reading in one round trip (and failing open
when Redis is away), the page cache answering from a worker's memory, and `rate_limited` reading the page in its
counter's round trip. The Redis cases use db 11 and are skipped when no Redis answers on 127.0.0.1:6379."""

import socket
import time
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from lib import cache as shared
from lib.cache import LocalTier, ResilientRedisCache, count_and_read, local_tier
from lib.http import PAGE_CACHE, cached_page, rate_limited
from lib.ratelimit import quota_take, quota_take_and_read, window_count, window_peek

REDIS = "redis://127.0.0.1:6379/11"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_default(settings):
    """The default cache is Redis db 11 (emptied), with its local tier, for this test."""
    settings.CACHES = {"default": {"BACKEND": "lib.cache.ResilientRedisCache", "LOCATION": REDIS, "KEY_PREFIX": "t"}}
    cache.clear()
    yield cache
    cache.clear()


class CountingRedis:
    """Counts what a test's requests ask of Redis: single calls (get, set...) and pipelined round trips."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for name in ("get", "set", "incr", "add", "get_many"):
            monkeypatch.setattr(ResilientRedisCache, name, self._counted(name, getattr(ResilientRedisCache, name)))
        monkeypatch.setattr(
            ResilientRedisCache, "count_and_read", self._counted("pipeline", ResilientRedisCache.count_and_read)
        )

    def _counted(self, name: str, method: Any) -> Any:
        def counted(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(backend, *args, **kwargs)

        return counted


# The local tier


def test_local_tier_keeps_entries_within_its_bytes_least_recently_used_first_out():
    tier = LocalTier(max_bytes=800)
    for number in range(4):
        tier.put(f"k{number}", number, size=100, timeout=60)
    assert tier.get("k0") == 0  # k0 is now the most recently used
    for number in range(4, 9):
        tier.put(f"k{number}", number, size=100, timeout=60)
    assert tier.size == 800 and len(tier) == 8
    assert tier.get("k1") is None  # the least recently used went first
    assert tier.get("k0") == 0 and tier.get("k8") == 8
    tier.put("huge", "x", size=200, timeout=60)  # more than an eighth of the tier: never kept
    assert tier.get("huge") is None and tier.size == 800
    tier.put("k8", "again", size=50, timeout=60)  # replacing an entry counts its new size only
    assert tier.size == 750 and tier.get("k8") == "again"
    tier.clear()
    assert len(tier) == 0 and tier.size == 0


def test_local_tier_entries_expire(monkeypatch):
    tier = LocalTier(max_bytes=1000)
    now = time.monotonic()
    tier.put("page", "body", size=10, timeout=5)
    monkeypatch.setattr(shared.time, "monotonic", lambda: now + 6)
    assert tier.get("page") is None and tier.size == 0


def test_without_redis_there_is_no_local_tier_and_counting_uses_the_cache(settings):
    # Without REDIS_URL the default cache is already process memory: a second copy would gain nothing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert local_tier() is None
    cache.clear()
    assert count_and_read([("c", 60)], ["missing"]) == ([1], [None])
    cache.set("page", {"content": b"x"})
    assert count_and_read([("c", 60), ("d", 60)], ["page"]) == ([2, 1], [{"content": b"x"}])
    assert quota_take("someone", 2).remaining == 1
    quota, (value,) = quota_take_and_read("someone", 2, ["page"])
    assert quota.remaining == 0 and not quota.exceeded and value == {"content": b"x"}
    assert quota_take("someone", 2).exceeded


# Counting in one round trip (Redis)


@needs_redis
def test_counters_and_reads_share_one_round_trip_and_new_counters_expire(redis_default, monkeypatch):
    counted = CountingRedis(monkeypatch)
    cache.set("page", {"content": b"hello"})
    counts, values = count_and_read([("window:a", 30), ("window:b", 30)], ["page", "nothing"])
    assert counts == [1, 1] and values == [{"content": b"hello"}, None]
    assert count_and_read([("window:a", 30)])[0] == [2]
    assert counted.calls == ["set", "pipeline", "pipeline"]
    client = cache._cache.get_client(write=True)
    name = cache.make_and_validate_key("window:a")
    assert 0 < client.ttl(name) <= 30  # the expiry was set with the first count, and kept by the second
    # A Redis that forgot the script (restarted, SCRIPT FLUSH) is sent it again: the count goes on, Redis is not down.
    client.script_flush()
    assert count_and_read([("window:a", 30)], ["page"]) == ([3], [{"content": b"hello"}])
    assert not cache.health.is_down
    # The counters are Django cache values too: peeking reads them.
    assert window_count("signin", 900) == 1 and window_count("signin", 900) == 2
    assert window_peek("signin", 900) == 2


@needs_redis
def test_the_counter_is_shared_by_every_cache_object_on_the_same_redis(redis_default):
    other = ResilientRedisCache(REDIS, {"KEY_PREFIX": "t"})  # as another server sees Redis
    assert other.count_and_read([("shared", 60)]) == ([1], [])
    assert count_and_read([("shared", 60)]) == ([2], [])


def test_counting_fails_open_when_redis_is_away():
    away = ResilientRedisCache("redis://127.0.0.1:9/0", {})  # nothing listens on port 9
    assert away.count_and_read([("a", 60), ("b", 60)], ["page"]) == ([1, 1], [None])
    assert away.health.is_down  # and the next calls do not wait on it
    assert away.count_and_read([("a", 60)]) == ([1], [])
    away.health.down_until = 0.0  # other tests use this address: they start with the breaker closed


# The page cache's two tiers


def _page_request(path: str = "/thing/", **query: str) -> HttpRequest:
    request = RequestFactory().get(path, query)
    request.user = AnonymousUser()
    return request


def _views() -> tuple[Any, Any, list[str]]:
    rendered: list[str] = []
    version = {"value": "1.1"}

    def page(request: HttpRequest) -> HttpResponse:
        rendered.append(request.GET.get("location", ""))
        return HttpResponse(f"page for {request.GET.get('location', '')} at {version['value']}")

    cached = cached_page(version=lambda: version["value"], params=("location",))(page)
    return cached, version, rendered


def _hits() -> float:
    return PAGE_CACHE.labels("hit")._value.get()


@needs_redis
def test_a_cached_page_is_answered_from_memory_then_from_redis(redis_default, monkeypatch):
    view, version, rendered = _views()
    first = view(_page_request(location="Austin"))
    assert first.status_code == 200 and rendered == ["Austin"]
    counted = CountingRedis(monkeypatch)
    hits = _hits()
    again = view(_page_request(location="Austin", utm_source="x"))
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert counted.calls == [] and _hits() == hits + 1  # from this worker's memory: no round trip
    tier = local_tier()
    assert tier is not None
    tier.clear()  # as another worker, or this one after its tier let the page go
    shared_hit = view(_page_request(location="Austin"))
    assert shared_hit["ETag"] == first["ETag"] and rendered == ["Austin"] and _hits() == hits + 2
    assert counted.calls == ["get"]
    view(_page_request(location="Austin"))
    assert counted.calls == ["get"]  # kept in memory again
    version["value"] = "2.1"  # a new data version: a new key in both tiers
    view(_page_request(location="Austin"))
    assert rendered == ["Austin", "Austin"]


@needs_redis
def test_cache_clear_empties_the_local_tier_too(redis_default):
    view, _, rendered = _views()
    view(_page_request(location="Reno"))
    cache.clear()
    view(_page_request(location="Reno"))
    assert rendered == ["Reno", "Reno"]


@needs_redis
def test_a_rate_limited_cached_page_costs_one_round_trip(redis_default, monkeypatch):
    cached, _, rendered = _views()
    view = rate_limited(per_minute=lambda: 3)(cached)
    view(_page_request(location="Boise"))  # rendered, counted and stored
    tier = local_tier()
    assert tier is not None
    tier.clear()
    counted = CountingRedis(monkeypatch)
    answer = view(_page_request(location="Boise"))
    assert answer.status_code == 200 and rendered == ["Boise"]
    assert counted.calls == ["pipeline"]  # the count and the page, together
    view(_page_request(location="Boise"))
    assert counted.calls == ["pipeline", "pipeline"]  # the page from memory; the count still shared
    refused = view(_page_request(location="Boise"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
