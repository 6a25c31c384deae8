"""One import at a time: every data import (and a whole snapshot load) holds the import lock, so two loads started
together never interleave (before, two snapshot loads deadlocked and one failed) and a second one waits, then runs
or stops with a clear message.

- PostgreSQL: a session-level advisory lock. If the process holding it dies, PostgreSQL releases it with the
  connection.
- SQLite: the `ImportLock` row, naming its holder (host and process). A holder that no longer runs (same host,
  process gone) or that has held it implausibly long is taken over.

Whoever takes the lock marks the runs still recorded as running as failed: with the lock free, nothing runs them.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from sources.models import ImportLock, ImportRun
from sources.parsing import DataFileError

logger = logging.getLogger("rolescope.imports")

ADVISORY_KEY = 0x726F6C65  # "role": the advisory lock's number, shared by every rolescope process
STALE_AFTER = timedelta(hours=6)  # an import holding the lock this long has died without saying so
POLL_SECONDS = 1.0

_held = threading.local()


class ImportBusy(DataFileError):
    """Another import holds the lock for longer than this one would wait."""


def holder() -> str:
    """This process, as locks and runs record it."""
    return _holder()


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process: trust its lock until it is stale
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _try_acquire() -> str | None:
    """Take the lock if it is free; otherwise say who holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            return None if cursor.fetchone()[0] else "another rolescope process"
    now = timezone.now()
    with transaction.atomic():
        ImportLock.objects.get_or_create(pk=1)
        lock = ImportLock.objects.select_for_update().get(pk=1)
        if lock.holder and _alive(lock.holder) and lock.acquired_at and now - lock.acquired_at < STALE_AFTER:
            return f"{lock.holder} since {lock.acquired_at:%Y-%m-%d %H:%M} UTC"
        if lock.holder:
            logger.warning("Taking over the import lock from %s, which no longer runs.", lock.holder)
        ImportLock.objects.filter(pk=1).update(holder=_holder(), acquired_at=now)
    return None


def _release() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
    else:
        ImportLock.objects.filter(pk=1, holder=_holder()).update(holder="", acquired_at=None)


def _mark_dead_runs() -> None:
    """With the lock held, no other data import runs: its runs still marked running died. A feed import (which
    runs beside them) died if its process is gone or it has run implausibly long."""
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING)
    dead = [run.pk for run in running.filter(exclusive=False) if not _alive(run.holder)]
    stale = Q(exclusive=True) | Q(pk__in=dead) | Q(started_at__lt=timezone.now() - STALE_AFTER)
    ended = running.filter(stale).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        error="The import stopped without finishing (its process ended); nothing it wrote was kept.",
    )
    if ended:
        logger.warning("Marked %s import run(s) that died as failed.", ended)


@contextmanager
def import_lock(wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the import lock (re-entrant in this thread: a snapshot load holds it across its imports)."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    wait = settings.IMPORT_LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    holder = _try_acquire()
    if holder is not None:
        logger.warning("Another import is running (%s); waiting up to %.0f s for it.", holder, wait)
    while holder is not None:
        if time.monotonic() >= deadline:
            raise ImportBusy("import lock", None, f"another import is running ({holder}); try again when it ends")
        time.sleep(POLL_SECONDS)
        holder = _try_acquire()
    _held.depth = 1
    try:
        _mark_dead_runs()
        yield
    finally:
        _held.depth = 0
        _release()
