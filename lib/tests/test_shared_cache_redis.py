"""The shared cache (lib.cache, lib.redis_cache): django-redis failing open with a breaker, counting and reading in
one round trip, the page cache in the shared cache, and `rate_limited` reading the page in its counter's round
trip. The Redis cases use db 11 and are skipped when no Redis answers on 127.0.0.1:6379."""

import socket
import time
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from lib import cache as shared
from lib import redis_cache
from lib.cache import count_and_read
from lib.http import PAGE_CACHE, cached_page, rate_limited
from lib.ratelimit import quota_take, quota_take_and_read, window_count, window_peek
from lib.redis_cache import health_of
from lib.redis_cache import redis_cache as redis_settings

REDIS = "redis://127.0.0.1:6379/11"
AWAY = "redis://127.0.0.1:9/0"  # nothing listens on port 9


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
    """The default cache is Redis db 11 (emptied), as the settings configure it, for this test."""
    settings.CACHES = {"default": redis_settings(REDIS, key_prefix="t")}
    cache.clear()
    yield cache
    cache.clear()


class CountingRedis:
    """Counts what a test's requests ask of Redis: single calls (get, set...) and pipelined round trips."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for name in ("get", "set", "incr", "add", "get_many"):
            monkeypatch.setattr(RedisCache, name, self._counted(name, getattr(RedisCache, name)))
        monkeypatch.setattr(
            shared, "_count_and_read_in_redis", self._counted("pipeline", shared._count_and_read_in_redis)
        )

    def _counted(self, name: str, method: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


# Without Redis


def test_without_redis_counting_uses_the_cache(settings):
    # Without REDIS_URL the default cache is process memory: counting and reading use it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
    client = get_redis_connection()
    name = cache.make_and_validate_key("window:a")
    assert 0 < client.ttl(name) <= 30  # the expiry was set with the first count, and kept by the second
    # A Redis that forgot the script (restarted, SCRIPT FLUSH) is sent it again: the count goes on, Redis is not down.
    client.script_flush()
    assert count_and_read([("window:a", 30)], ["page"]) == ([3], [{"content": b"hello"}])
    assert not health_of("127.0.0.1:6379").is_down
    # The counters are Django cache values too: peeking reads them.
    assert window_count("signin", 900) == 1 and window_count("signin", 900) == 2
    assert window_peek("signin", 900) == 2


@needs_redis
def test_the_counter_is_shared_by_every_cache_object_on_the_same_redis(redis_default):
    other = RedisCache(REDIS, redis_settings(REDIS, key_prefix="t"))  # as another server sees Redis
    assert count_and_read([("shared", 60)]) == ([1], [])
    assert other.incr("shared") == 2
    assert count_and_read([("shared", 60)]) == ([3], [])


def test_counting_fails_open_when_redis_is_away(settings):
    settings.CACHES = {"default": redis_settings(AWAY)}
    away = health_of("127.0.0.1:9")
    away.reset()
    failures = redis_cache.failures()
    assert count_and_read([("a", 60), ("b", 60)], ["page"]) == ([1, 1], [None])
    assert away.is_down and redis_cache.failures() == failures + 1  # counted (and logged)
    started = time.monotonic()
    assert count_and_read([("a", 60)]) == ([1], [])
    assert cache.get("page") is None and cache.set("page", "x") is None  # django-redis's IGNORE_EXCEPTIONS
    assert time.monotonic() - started < 0.05  # the breaker: no call waits on Redis now
    assert redis_cache.failures() == failures + 1
    away.reset()  # other tests use this address: they start with the breaker closed


# The page cache in the shared cache


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
def test_a_cached_page_is_answered_from_the_shared_cache(redis_default, monkeypatch):
    view, version, rendered = _views()
    first = view(_page_request(location="Austin"))
    assert first.status_code == 200 and rendered == ["Austin"]
    counted = CountingRedis(monkeypatch)
    hits = _hits()
    again = view(_page_request(location="Austin", utm_source="x"))
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert counted.calls == ["get"] and _hits() == hits + 1 and rendered == ["Austin"]
    version["value"] = "2.1"  # a new data version: a new key
    view(_page_request(location="Austin"))
    assert rendered == ["Austin", "Austin"]


def test_a_page_stored_during_a_lease_is_answered_from_the_cache():
    """A high limit is counted by leases whose cache reads are as old as the lease: the page stored after the
    lease began is still read, not drawn again for each of the lease's requests."""
    cached, _, rendered = _views()
    view = rate_limited(per_minute=lambda: 100_000)(cached)  # a lease of 64 requests
    answers = [view(_page_request(location="Reno")) for _ in range(5)]
    assert rendered == ["Reno"]
    assert {answer.content for answer in answers} == {b"page for Reno at 1.1"}


@needs_redis
def test_a_rate_limited_cached_page_costs_one_round_trip(redis_default, monkeypatch):
    cached, _, rendered = _views()
    view = rate_limited(per_minute=lambda: 3)(cached)
    view(_page_request(location="Boise"))  # rendered, counted and stored
    counted = CountingRedis(monkeypatch)
    answer = view(_page_request(location="Boise"))
    assert answer.status_code == 200 and rendered == ["Boise"]
    assert counted.calls == ["pipeline"]  # the count and the page, together
    view(_page_request(location="Boise"))
    assert counted.calls == ["pipeline", "pipeline"] and rendered == ["Boise"]
    refused = view(_page_request(location="Boise"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
