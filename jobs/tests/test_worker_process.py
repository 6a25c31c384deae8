"""A real worker process (`manage.py qcluster`) imports a feed sent to the API: the bundled 500-row LinkedIn sample,
through the database queue and (when REDIS_URL is set) through Redis. The test database must be one another
process can open (PostgreSQL, or TEST_DATABASE_NAME=<a file> for SQLite)."""

import gzip
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.test import Client
from django_q.conf import Conf  # type: ignore[import-untyped]

from jobs.models import FeedImport, Posting

ROOT = settings.BASE_DIR


def worker_process(env: dict[str, str]) -> tuple[subprocess.Popen, "queue.Queue[str]"]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def wait_for(lines: "queue.Queue[str]", text: str, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=0.5))
        except queue.Empty:
            continue
        if text in seen[-1]:
            return seen
    raise AssertionError(f"no {text!r} from the worker in {seconds} s:\n{''.join(seen)}")


@pytest.mark.parametrize("broker", ["database", "redis"])
def test_a_worker_process_imports_the_linkedin_sample(committed, broker, monkeypatch, snapshot_dir):
    if broker == "redis" and not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    monkeypatch.setattr(Conf, "SYNC", False)
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": settings.SECRET_KEY,  # tasks are signed: the worker must hold the web process's key
        "DATABASE_URL": committed.database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "TASK_WORKERS": "1",
    }
    if broker == "database":
        env.pop("REDIS_URL", None)
        monkeypatch.setattr(Conf, "ORM", "default")
        monkeypatch.setitem(settings.Q_CLUSTER, "orm", "default")
    with gzip.open(snapshot_dir / "postings/linkedin_2023_24_postings_sample500.csv.gz", "rb") as handle:
        feed = handle.read()
    process, lines = worker_process(env)
    try:
        wait_for(lines, "running.", 60)
        sent = time.monotonic()
        answer = Client().post("/api/v1/jobs/import", feed, content_type="text/csv", HTTP_X_API_KEY=committed.key)
        accepted = time.monotonic() - sent
        assert answer.status_code == 202, answer.content
        while time.monotonic() - sent < 120:
            report = Client().get(answer["Location"], HTTP_X_API_KEY=committed.key).json()
            if report["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        done = time.monotonic() - sent
    finally:
        # As `docker stop` does: SIGTERM to the main process, which stops its own children (the whole process group
        # at once would kill the sentinel under the main process's feet).
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert report["status"] == "done", report
    assert report["rows_read"] == 500 and report["imported"] + len(report["rejected"]) == 500
    assert report["imported"] > 450 and "LinkedIn" in report["source"]
    assert Posting.objects.filter(employer=committed.organisation).count() == report["imported"]
    feed_import = FeedImport.objects.get(pk=report["id"])
    assert feed_import.attempts == 1
    print(  # the measurement, shown with -s
        f"\n{broker} queue: 500-row feed accepted in {accepted * 1000:.0f} ms, done {done:.2f} s after it was sent "
        f"(worker: {(feed_import.finished_at - feed_import.started_at).total_seconds():.2f} s importing, "
        f"{(feed_import.started_at - feed_import.received_at).total_seconds():.2f} s waiting)"
    )
