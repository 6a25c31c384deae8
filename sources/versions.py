"""Named versions (`data`, `platform`, `access`): the one way caches and memos learn that something changed.

Every cached answer is keyed on the versions it depends on, so nothing is invalidated by hand: a change bumps
its version and the next read computes afresh. A process reads the versions from the database at most once
a second (one small query), so a change made on one server shows on every server within a second.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import DatabaseError
from django.db.models import F, Value
from django.db.models.functions import Greatest

from lib.memo import Memo
from sources.models import Version

NAMES = ("data", "platform", "access")
LOCAL_SECONDS = 1.0

P = ParamSpec("P")
R = TypeVar("R")

_snapshot: tuple[dict[str, int], float] | None = None
_batch: ContextVar[set[str] | None] = ContextVar("rolescope_version_batch", default=None)


def fresh() -> dict[str, int] | None:
    """The versions as this process last read them, if that was within LOCAL_SECONDS; else None. Never queries."""
    snapshot = _snapshot
    if snapshot is None or snapshot[1] <= time.monotonic():
        return None
    return snapshot[0]


def current() -> dict[str, int]:
    """Every version, as this process last read them (at most LOCAL_SECONDS ago)."""
    global _snapshot
    values = fresh()
    if values is not None:
        return values
    now = time.monotonic()
    try:
        values = dict.fromkeys(NAMES, 0) | dict(Version.objects.values_list("name", "value"))
    except DatabaseError:
        if _snapshot is None:
            raise
        values = _snapshot[0]  # the database is away: keep serving what was current a moment ago
    _snapshot = (values, now + LOCAL_SECONDS)
    return values


def version(name: str) -> int:
    return current()[name]


def versions_of(names: tuple[str, ...]) -> tuple[int, ...]:
    values = current()
    return tuple(values[name] for name in names)


def cache_version() -> str:
    """The data and platform versions as one cache-key part, for pages that show both."""
    values = current()
    return f"{values['data']}.{values['platform']}"


def forget() -> None:
    """Read the versions again on next use (after a bump here, or between tests)."""
    global _snapshot
    _snapshot = None


def bump(name: str) -> None:
    """Mark `name` as changed, inside the caller's transaction (so the change and its version commit together).
    Within `batch()`, the bump happens once, when the batch ends."""
    if name not in NAMES:
        raise ValueError(f"unknown version {name!r}")
    pending = _batch.get()
    if pending is not None:
        pending.add(name)
        return
    stamp = Value(time.time_ns() // 1000)
    if not Version.objects.filter(name=name).update(value=Greatest(F("value") + 1, stamp)):
        Version.objects.get_or_create(name=name, defaults={"value": time.time_ns() // 1000})
    forget()


@contextmanager
def batch() -> Iterator[None]:
    """Many changes, one bump of each version they touch (a feed import of a thousand postings bumps once)."""
    if _batch.get() is not None:  # already inside a batch: the outer one bumps
        yield
        return
    pending: set[str] = set()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for name in sorted(pending):
        bump(name)


def memoized(
    name: str, *, maxsize: int, depends_on: tuple[str, ...] = ("data",), ttl: float | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep a function's answers in process memory, per its (hashable, positional) arguments, for as long as the
    versions it depends on stay the same (and at most `ttl` seconds)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        memo: Memo[R] = Memo(name, maxsize=maxsize, ttl=ttl)

        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if kwargs:
                raise TypeError(f"{function.__name__} is memoized: pass its arguments by position")
            return memo.get(args, versions_of(depends_on), lambda: function(*args))  # type: ignore[call-arg]

        wrapper.memo = memo  # type: ignore[attr-defined]
        return wrapper

    return decorate
