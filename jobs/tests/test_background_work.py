"""Feed imports leave the request: kept, queued, imported by a worker, read back from their status address. The
database queue (django-q2's ORM broker) is used for real here, in this process: a task is taken, run and
acknowledged by django-q2's own pusher, worker and monitor. Every task runs safely twice; a task whose worker died
is run again, once. The recurring jobs (written by `setup_schedules`: ops/tests/test_schedules.py) do their work."""

import json
from datetime import timedelta
from multiprocessing import Event, Value

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_q import brokers, conf, monitor, pusher, queues, worker  # type: ignore[import-untyped]
from django_q.models import OrmQ, Success  # type: ignore[import-untyped]

from accounts.services import api_key_create
from accounts.testing import member
from jobs import tasks
from jobs.imports import postings as feeds
from jobs.models import FeedImport, IdempotentRequest, Posting
from jobs.services.feed_imports import feed_import_claim, feed_import_lease
from jobs.tests.conftest import import_feed

pytestmark = pytest.mark.django_db

FEED = [
    {
        "@type": "JobPosting",
        "title": "Registered Nurse",
        "identifier": {"value": "RN-1"},
        "hiringOrganization": {"name": "Anything"},
        "jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}},
        "url": "https://acme.example/rn-1",
    },
    {"@type": "JobPosting", "title": "No id"},
]
REPORT = {
    "status": "done",
    "rows_read": 2,
    "imported": 1,
    "rejected": ["item 2: identifier is required"],
    "source": "schema.org JobPosting feed",
    "error": None,
}


@pytest.fixture
def acme_key():
    user = member("ada", "Acme Robotics")
    return api_key_create(user=user, name="HR system", employer=user.profile.employer)[1]


@pytest.fixture
def database_queue(monkeypatch, settings):
    """The database queue as a deployment without REDIS_URL has it, tasks no longer run inline. Its broker."""
    monkeypatch.setattr(conf.Conf, "SYNC", False)
    monkeypatch.setattr(conf.Conf, "ORM", "default")
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "orm": "default"}
    # Between tasks a worker closes the database connections it holds; here that is the test's own connection, in
    # the transaction that is rolled back at the end.
    monkeypatch.setattr(worker, "close_old_django_connections", lambda: None)
    monkeypatch.setattr(monitor, "close_old_django_connections", lambda: None)
    broker = brokers.get_broker()
    assert broker.__class__.__name__ == "ORM"
    return broker


def run_queue_once(broker) -> int:
    """One pass of a worker over the queue, with django-q2's own parts: the pusher takes what is due (hidden from
    other workers for TASK_RETRY_SECONDS), the worker runs it, the monitor saves the result and acknowledges it
    (deletes it from the queue). Returns how many tasks were taken."""
    task_queue, result_queue = queues.Queue(), queues.Queue()
    once = Event()
    once.set()
    pusher.pusher(task_queue, once, broker=broker)
    taken = task_queue.qsize()
    task_queue.put("STOP")
    worker.worker(task_queue, result_queue, Value("f", -1))
    result_queue.put("STOP")
    monitor.monitor(result_queue, broker=broker)
    return taken


def post_feed(key: str, feed=FEED):
    return Client().post("/api/v1/jobs/import", json.dumps(feed), content_type="application/json", HTTP_X_API_KEY=key)


def status(key: str, url: str) -> dict:
    answer = Client().get(url, HTTP_X_API_KEY=key)
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_feed_waits_in_the_database_queue_until_a_worker_imports_it(database_queue, acme_key):
    answer = post_feed(acme_key)
    assert answer.status_code == 202, answer.content
    queued = answer.json()
    assert answer["Location"] == queued["url"] == f"/api/v1/jobs/imports/{queued['id']}"
    assert queued["status"] == "queued" and queued["imported"] is None and queued["rejected"] is None
    # The task was written in the request's transaction, beside the feed.
    assert OrmQ.objects.count() == 1 and not Posting.objects.filter(external_id="RN-1").exists()
    assert status(acme_key, queued["url"])["status"] == "queued"

    assert run_queue_once(database_queue) == 1
    report = status(acme_key, queued["url"])
    assert {name: report[name] for name in REPORT} == REPORT and report["finished_at"]
    assert OrmQ.objects.count() == 0  # acknowledged
    assert Success.objects.filter(func="jobs.tasks.feed_import_run").count() == 1
    posting = Posting.objects.get(external_id="RN-1")
    assert posting.employer.name == "Acme Robotics" and posting.area_id == "0019740"
    feed_import = FeedImport.objects.get(pk=queued["id"])
    assert feed_import.attempts == 1 and bytes(feed_import.body) == b"" and feed_import.run.rows_written == 1
    assert run_queue_once(database_queue) == 0


def test_a_task_whose_worker_died_is_run_again_and_imports_once(database_queue, acme_key, settings):
    queued = post_feed(acme_key).json()
    # A worker takes the task: it stays in the queue, hidden from other workers until TASK_RETRY_SECONDS from now.
    [(ack_id, _)] = database_queue.dequeue()
    lock = OrmQ.objects.get(pk=ack_id).lock
    assert lock > timezone.now() + timedelta(seconds=settings.TASK_RETRY_SECONDS - 5)
    # It starts the import, writes every posting, and dies before saying so (before acknowledging the task).
    claimed = feed_import_claim(feed_import_id=queued["id"])
    with feeds.feed_file(bytes(claimed.body), claimed.content_type) as path:
        feeds.load(path, employer=claimed.organisation)
    assert status(acme_key, queued["url"])["status"] == "running"
    assert database_queue.dequeue() is None  # nobody else takes it meanwhile
    assert run_queue_once(database_queue) == 0

    # TASK_RETRY_SECONDS later the task is due again, and the import's lease (the task timeout) has run out.
    OrmQ.objects.filter(pk=ack_id).update(lock=timezone.now() - timedelta(seconds=1))
    FeedImport.objects.filter(pk=queued["id"]).update(started_at=timezone.now() - feed_import_lease())
    assert run_queue_once(database_queue) == 1
    report = status(acme_key, queued["url"])
    assert {name: report[name] for name in REPORT} == REPORT
    assert FeedImport.objects.get(pk=queued["id"]).attempts == 2
    assert Posting.objects.filter(external_id="RN-1").count() == 1  # imported twice, written once
    assert OrmQ.objects.count() == 0


def test_a_task_delivered_twice_imports_once(acme_key):
    report = import_feed(acme_key, FEED).json()
    posting = Posting.objects.get(external_id="RN-1")
    assert tasks.feed_import_run(report["id"]) == f"feed import {report['id']}: nothing to do"
    assert Posting.objects.get(external_id="RN-1").updated_at == posting.updated_at
    assert FeedImport.objects.get(pk=report["id"]).attempts == 1
    # Two workers at once: the second finds the import running under a live worker and leaves it.
    FeedImport.objects.filter(pk=report["id"]).update(status=FeedImport.Status.RUNNING, started_at=timezone.now())
    assert feed_import_claim(feed_import_id=report["id"]) is None


def test_a_passing_failure_is_retried_then_fails_for_good(database_queue, acme_key, monkeypatch, settings):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(feeds, "load", locked)
    monkeypatch.setattr(conf.Conf, "MAX_ATTEMPTS", 2)
    settings.TASK_MAX_ATTEMPTS = 2
    queued = post_feed(acme_key).json()
    assert run_queue_once(database_queue) == 1
    feed_import = FeedImport.objects.get(pk=queued["id"])
    assert feed_import.status == "queued" and feed_import.attempts == 1
    assert feed_import.error == "OperationalError: database is locked"
    assert status(acme_key, queued["url"])["error"] is None  # not failed yet: it will be tried again
    # The failed task is not acknowledged: the broker hands it out again TASK_RETRY_SECONDS after it was taken.
    [task] = OrmQ.objects.all()
    assert task.lock > timezone.now()
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
    assert run_queue_once(database_queue) == 1
    assert OrmQ.objects.count() == 0  # acknowledged after its last attempt
    shown = status(acme_key, queued["url"])
    assert shown["status"] == "failed" and shown["error"] == "OperationalError: database is locked"
    assert shown["imported"] is None and shown["rejected"] is None and shown["finished_at"]
    assert tasks.feed_import_run(queued["id"]).endswith("nothing to do")


def test_an_import_that_keeps_killing_its_worker_stops(acme_key, database_queue, settings):
    queued = post_feed(acme_key).json()
    FeedImport.objects.filter(pk=queued["id"]).update(
        status=FeedImport.Status.RUNNING,
        attempts=settings.TASK_MAX_ATTEMPTS,
        started_at=timezone.now() - feed_import_lease(),
    )
    assert run_queue_once(database_queue) == 1
    report = status(acme_key, queued["url"])
    assert report["status"] == "failed"
    attempts = settings.TASK_MAX_ATTEMPTS
    assert report["error"] == f"Stopped after {attempts} attempts; the last: the worker stopped during the import"
    assert OrmQ.objects.count() == 0 and not Posting.objects.filter(external_id="RN-1").exists()


def test_imports_whose_task_was_lost_are_sent_again(database_queue, acme_key, settings):
    queued = post_feed(acme_key).json()
    OrmQ.objects.all().delete()  # lost: Redis restarted, or the web process died between its commit and the send
    assert tasks.feed_imports_resume() == "0 feed imports resumed"  # too early to call it lost
    long_ago = timezone.now() - timedelta(seconds=settings.TASK_RETRY_SECONDS + 1)
    FeedImport.objects.filter(pk=queued["id"]).update(queued_at=long_ago)
    fresh = post_feed(acme_key, [FEED[0] | {"identifier": {"value": "RN-2"}}]).json()
    assert tasks.feed_imports_resume() == "1 feed imports resumed"
    assert tasks.feed_imports_resume() == "0 feed imports resumed"  # sent once, not at every pass
    assert run_queue_once(database_queue) == 1 and run_queue_once(database_queue) == 1
    assert status(acme_key, queued["url"])["status"] == "done" and status(acme_key, fresh["url"])["status"] == "done"


def test_the_status_is_the_organisations_own(acme_key):
    report = import_feed(acme_key, FEED).json()
    url = report["url"]
    globex = member("gus", "Globex")
    globex_key = api_key_create(user=globex, name="x", employer=globex.profile.employer)[1]
    other = Client().get(url, HTTP_X_API_KEY=globex_key)
    assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    assert Client().get(url).status_code == 401
    unscoped = api_key_create(user=globex, name="personal")[1]
    assert Client().get(url, HTTP_X_API_KEY=unscoped).status_code == 403
    assert Client().get("/api/v1/jobs/imports/99999999", HTTP_X_API_KEY=acme_key).status_code == 404
    assert Client().get("/api/v1/jobs/imports/nope", HTTP_X_API_KEY=acme_key).status_code == 422


def test_the_daily_jobs(acme_key):
    report = import_feed(acme_key, FEED).json()
    Posting.objects.filter(external_id="RN-1").update(expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.postings_expire_daily() == "1 postings expired"
    assert Posting.objects.get(external_id="RN-1").status == "expired"
    assert tasks.postings_expire_daily() == "0 postings expired"

    feed_import = FeedImport.objects.get(pk=report["id"])
    for key, age in (("old", timedelta(hours=25)), ("new", timedelta(hours=23))):
        IdempotentRequest.objects.create(
            organisation=feed_import.organisation, key=key, status_code=201, created_at=timezone.now() - age
        )
    assert tasks.idempotency_keys_purge() == "1 Idempotency-Keys forgotten"
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
