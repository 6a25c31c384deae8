"""Process-local memos: the one way rolescope keeps computed answers in a worker's memory.

A `Memo` is a bounded, thread-safe mapping from a key to a value computed once. Each entry remembers the
*version* it was computed at (for example the data and platform versions in `sources.versions`) and is
recomputed when the current version differs, so nothing is ever explicitly invalidated. Entries may also
expire after `ttl` seconds. When a memo is full, the least recently used entry goes (one eviction policy for
every memo).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

_memos: list["Memo[object]"] = []


@dataclass
class _Entry(Generic[V]):
    version: Hashable
    value: V
    born: float


class Memo(Generic[V]):
    """A bounded least-recently-used memo whose entries belong to a version (and optionally expire)."""

    def __init__(self, name: str, *, maxsize: int, ttl: float | None = None) -> None:
        if maxsize < 1:
            raise ValueError("a memo holds at least one entry")
        self.name = name
        self.maxsize = maxsize
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        # One lock for lookups and a lock per key being computed, so two threads asking for the same missing
        # entry compute it once, while other keys are served meanwhile.
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0
        _memos.append(self)  # type: ignore[arg-type]

    def _fresh(self, key: Hashable, version: Hashable) -> _Entry[V] | None:
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        if self.ttl is not None and time.monotonic() - entry.born > self.ttl:
            return None
        self._entries.move_to_end(key)
        return entry

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], V]) -> V:
        """The value for `key` at `version`, computing it (once) when missing, stale or expired.
        An exception from `compute` is raised and nothing is kept."""
        with self._lock:
            entry = self._fresh(key, version)
            if entry is not None:
                self.hits += 1
                return entry.value
            guard = self._computing.setdefault(key, threading.Lock())
        with guard:
            with self._lock:
                entry = self._fresh(key, version)
                if entry is not None:  # another thread computed it while this one waited
                    self.hits += 1
                    return entry.value
                self.misses += 1
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._entries[key] = _Entry(version, value, time.monotonic())
                self._entries.move_to_end(key)
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
            return value

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def memos() -> list["Memo[object]"]:
    """Every memo of this process (for statistics, and for tests that start from a clean slate)."""
    return list(_memos)
