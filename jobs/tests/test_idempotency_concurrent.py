"""Two requests with the same Idempotency-Key at once write once: the second waits for the first's transaction (on
PostgreSQL at the key's unique index; on SQLite writers take turns), then gets the first's answer. Real commits from
two threads, so this needs a test database other connections can open (PostgreSQL, or TEST_DATABASE_NAME=<a file>
for SQLite)."""

import json
import threading
import time

from django.db import connections
from django.test import Client

import jobs.api
from jobs.models import IdempotentRequest, Posting

JOB = {
    "title": "Concurrent Back-End Developer",
    "location": "Austin, TX",
    "salary_min": 95000,
    "salary_max": 120000,
    "salary_period": "year",
    "apply_url": "https://acme.example/apply",
}


def test_two_requests_with_the_same_key_at_once_write_once(committed, monkeypatch):
    upsert = jobs.api.posting_upsert
    writes = []

    def slow_upsert(**kwargs):
        writes.append(threading.current_thread().name)
        time.sleep(0.5)  # the first request holds its transaction open while the second arrives
        return upsert(**kwargs)

    monkeypatch.setattr(jobs.api, "posting_upsert", slow_upsert)
    start = threading.Barrier(2)
    answers = {}

    def send(name: str) -> None:
        try:
            start.wait()
            answers[name] = Client().post(
                "/api/v1/jobs",
                json.dumps(JOB),
                content_type="application/json",
                HTTP_X_API_KEY=committed.key,
                HTTP_IDEMPOTENCY_KEY="one-posting-please",
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answers[name].status_code for name in sorted(answers)] == [201, 201], answers
    replayed = [name for name, answer in answers.items() if answer.has_header("Idempotent-Replayed")]
    assert len(replayed) == 1 and len(writes) == 1 and writes[0] != replayed[0]
    assert answers["first"].content == answers["second"].content
    assert Posting.objects.filter(employer=committed.organisation).count() == 1
    assert IdempotentRequest.objects.filter(organisation=committed.organisation).count() == 1
