"""Rate-limit leases (lib.ratelimit): a process counts a share of a high limit at once, never lets a limit be
exceeded across processes, and in one process numbers requests exactly as counting each would."""

import time

import pytest
from django.core.cache import cache

from lib import ratelimit
from lib.ratelimit import lease_size, quota_take, quota_take_and_read


@pytest.fixture(autouse=True)
def empty():
    cache.clear()


def _shared_count(identity: str) -> int:
    window = int(time.time() // ratelimit.WINDOW_SECONDS)
    return int(cache.get(f"ratelimit:{identity}:{window}") or 0)


def test_lease_sizes():
    assert [lease_size(limit) for limit in (1, 60, 199, 200, 1200, 6400, 10**8)] == [1, 1, 1, 2, 12, 64, 64]


def test_one_process_numbers_requests_as_exact_counting_does():
    remaining = [quota_take("key:7", 1000).remaining for _ in range(25)]
    assert remaining == list(range(999, 974, -1))
    assert _shared_count("key:7") == 30  # three leases of ten: one round trip for ten requests


def test_a_small_limit_is_counted_request_by_request():
    assert [quota_take("ip:10.0.0.1", 3).exceeded for _ in range(4)] == [False, False, False, True]
    assert _shared_count("ip:10.0.0.1") == 4


def test_processes_sharing_a_limit_never_exceed_it(monkeypatch):
    processes = [{}, {}, {}]  # each process's own leases
    allowed = 0
    for turn in range(1000):
        monkeypatch.setattr(ratelimit, "_leases", processes[turn % 3])
        if not quota_take("key:9", 300).exceeded:
            allowed += 1
    assert lease_size(300) == 3
    assert 300 - 2 * (3 - 1) <= allowed <= 300  # at most (processes - 1) x (lease - 1) numbers lost, never over


def test_values_read_with_a_lease_are_kept_for_its_requests():
    cache.set("wrong-keys", 0)
    _, (first,) = quota_take_and_read("key:11", 1000, ["wrong-keys"])
    cache.set("wrong-keys", 5)
    _, (leased,) = quota_take_and_read("key:11", 1000, ["wrong-keys"])
    assert (first, leased) == (0, 0)
    assert [quota_take_and_read("key:11", 1000, ["wrong-keys"])[1] for _ in range(9)][-1] == [5]  # the next lease
