"""One import at a time (audit D15): a second waits, then runs or stops with a message naming the first; a run
that died is marked failed by the next import."""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from sources.locks import ADVISORY_KEY, ImportBusy, import_lock
from sources.models import ImportLock, ImportRun

pytestmark = pytest.mark.django_db


def a_dead_process() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def held_elsewhere():
    """The lock held by another process (another PostgreSQL session, or another live process on SQLite)."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        other = psycopg.connect(
            host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
            dbname=settings["NAME"], autocommit=True,
        )  # fmt: skip
        other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        yield lambda: other.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        other.close()
    else:
        ImportLock.objects.update_or_create(
            pk=1, defaults={"holder": f"{socket.gethostname()}:{os.getppid()}", "acquired_at": timezone.now()}
        )
        yield lambda: ImportLock.objects.filter(pk=1).update(holder="", acquired_at=None)


def test_a_second_import_waits_then_stops_with_a_message(held_elsewhere):
    with pytest.raises(ImportBusy, match="another import is running"), import_lock(wait_seconds=1.5):
        pass
    held_elsewhere()  # the first one ends
    with import_lock(wait_seconds=5):
        pass


def test_a_holder_that_died_is_taken_over_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL releases a dead session's advisory lock itself")
    ImportLock.objects.update_or_create(
        pk=1, defaults={"holder": f"{socket.gethostname()}:{a_dead_process()}", "acquired_at": timezone.now()}
    )
    with import_lock(wait_seconds=0):
        assert ImportLock.objects.get(pk=1).holder == f"{socket.gethostname()}:{os.getpid()}"
    assert ImportLock.objects.get(pk=1).holder == ""


def test_runs_that_died_are_marked_failed_by_the_next_import():
    started = timezone.now() - timedelta(minutes=5)
    data = ImportRun.objects.create(source="oews", file_name="x.csv", started_at=started, holder="elsewhere:1")
    this_process = f"{socket.gethostname()}:{os.getpid()}"
    feed_running = ImportRun.objects.create(
        source="postings", file_name="feed.json", started_at=started, exclusive=False, holder=this_process
    )
    feed_dead = ImportRun.objects.create(
        source="postings",
        file_name="feed.json",
        started_at=started,
        exclusive=False,
        holder=f"{socket.gethostname()}:{a_dead_process()}",
    )
    with import_lock(wait_seconds=0):
        pass
    for run in (data, feed_running, feed_dead):
        run.refresh_from_db()
    assert data.status == "failed" and "stopped without finishing" in data.error  # before: running for ever
    assert feed_dead.status == "failed"
    assert feed_running.status == "running"  # a feed import in a live process goes on


def test_the_lock_is_reentrant_and_released_after_a_failure():
    with pytest.raises(RuntimeError), import_lock(wait_seconds=0), import_lock(wait_seconds=0):
        raise RuntimeError("an import failed")
    with import_lock(wait_seconds=0):
        pass
