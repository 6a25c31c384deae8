"""Tables derived from imported data (the role profiles, say): an app above registers a builder here with the data
sets it reads, as data sets register with `sources.registry`, and this app runs it when one of them changes, so it
imports none of them.

A builder runs inside the transaction of the import (or the release publish or rollback) that changed its data, so
the data and what is derived from it commit together, and a failed build leaves both as they were. `import_all`
defers the builds to the end of the whole load: one build, not one per data set.
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger("rolescope.imports")


@dataclass(frozen=True)
class Derived:
    name: str
    build: Callable[[], int]  # rebuilds every row; returns how many it wrote
    reads: frozenset[str]  # the `ImportRun.source` names of the data sets it is computed from


_registry: dict[str, Derived] = {}
_pending: ContextVar[set[str] | None] = ContextVar("rolescope_derived_pending", default=None)


def register(name: str, build: Callable[[], int], *, reads: Iterable[str]) -> None:
    """Build `name` again whenever one of the data sets it `reads` changes (idempotent for the same name)."""
    _registry[name] = Derived(name, build, frozenset(reads))


def changed(source: str) -> None:
    """The data set `source` changed: rebuild what reads it now (inside the caller's transaction), or at the end of
    the enclosing `deferred()`."""
    pending = _pending.get()
    if pending is not None:
        pending.add(source)
        return
    rebuild({source})


def rebuild(sources: Iterable[str]) -> None:
    """Build everything derived from any of `sources`, each in one transaction of its own."""
    wanted = set(sources)
    for derived in _registry.values():
        if derived.reads & wanted:
            started = time.monotonic()
            with transaction.atomic():
                rows = derived.build()
            logger.info("%s: %s rows built in %.1f s", derived.name, rows, time.monotonic() - started)


@contextmanager
def deferred() -> Iterator[None]:
    """Many imports, one build of what they change, when the block ends (also when an import in it failed: those
    before it are committed, and what derives from them must follow)."""
    if _pending.get() is not None:  # already deferred: the outer block builds
        yield
        return
    pending: set[str] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        rebuild(pending)
