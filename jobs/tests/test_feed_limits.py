"""Issue 18's feed and write defects: an integer past Python's 4,300 digits in a JSON feed, a JSON body over
Django's in-memory limit and a `text/plain` JSON write were a 500 (or accepted); one organisation could queue any
number of feeds (12 x 4.8 MB accepted in 4.6 s) and have them run before another's."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django_q.conf import Conf  # type: ignore[import-untyped]

from accounts.services import api_key_create
from jobs.models import FeedImport, Posting
from jobs.services.feed_imports import feed_import_claim, feed_import_create
from jobs.tests.conftest import import_feed

pytestmark = pytest.mark.django_db

JOB = {"title": "Back-End Developer", "location": "Austin, TX", "apply_url": "https://acme.example/apply"}


@pytest.fixture
def key(acme):
    return api_key_create(user=acme, name="HR system", employer=acme.profile.employer)[1]


def feed(identifier: str) -> list[dict]:
    return [
        {
            "@type": "JobPosting",
            "title": "Registered Nurse",
            "identifier": {"value": identifier},
            "hiringOrganization": {"name": "Acme"},
            "url": "https://acme.example/jobs",
        }
    ]


def test_an_integer_over_4300_digits_in_a_feed_is_a_400(key):
    body = '[{"@type": "JobPosting", "title": "Nurse", "identifier": {"value": ' + "9" * 5000 + "}}]"
    answer = import_feed(key, body)
    assert answer.status_code == 400, answer.content
    assert "not a JSON feed" in answer.json()["detail"] and "4300" in answer.json()["detail"]


def test_a_json_body_over_the_memory_limit_is_a_413(key):
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = json.dumps(JOB | {"description": padding})
    for answer in (
        Client().post("/api/v1/jobs", data=body, content_type="application/json", HTTP_X_API_KEY=key),
        Client().patch("/api/v1/jobs/1", data=body, content_type="application/json", HTTP_X_API_KEY=key),
    ):
        assert answer.status_code == 413, answer.content
        assert answer["Content-Type"] == "application/problem+json" and "2,621,440 bytes" in answer.json()["detail"]
    assert not Posting.objects.filter(title=JOB["title"]).exists()


def test_a_json_write_sent_as_text_plain_is_a_415(key):
    created = Client().post("/api/v1/jobs", data=json.dumps(JOB), content_type="text/plain", HTTP_X_API_KEY=key)
    assert created.status_code == 415 and "application/json" in created.json()["detail"]
    assert not Posting.objects.filter(title=JOB["title"]).exists()
    posting = Client().post("/api/v1/jobs", data=json.dumps(JOB), content_type="application/json", HTTP_X_API_KEY=key)
    assert posting.status_code == 201
    changed = Client().patch(
        f"/api/v1/jobs/{posting.json()['id']}", data='{"title": "Other"}', content_type="text/plain", HTTP_X_API_KEY=key
    )
    assert changed.status_code == 415
    assert Posting.objects.get(pk=posting.json()["id"]).title == JOB["title"]


def queue(key: str, body) -> object:
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post("/api/v1/jobs/import", data=data, content_type="application/json", HTTP_X_API_KEY=key)


def test_an_organisation_may_have_only_so_many_imports_waiting(key, monkeypatch, settings):
    monkeypatch.setattr(Conf, "SYNC", False)  # the imports stay queued
    settings.FEED_IMPORTS_WAITING_PER_ORGANISATION = 2
    answers = [queue(key, feed(f"n-{number}")) for number in range(3)]
    assert [answer.status_code for answer in answers[:2]] == [202, 202]
    assert answers[2].status_code == 429 and "2 imports waiting" in answers[2].json()["detail"]
    assert FeedImport.objects.count() == 2


def test_an_organisation_may_keep_only_so_many_bytes_of_feeds_waiting(key, monkeypatch, settings):
    monkeypatch.setattr(Conf, "SYNC", False)
    body = json.dumps(feed("n-1"))
    settings.FEED_IMPORT_BYTES_PER_ORGANISATION = 2 * len(body) - 1
    assert queue(key, body).status_code == 202
    refused = queue(key, body)
    assert refused.status_code == 429 and f"{2 * len(body) - 1:,} bytes" in refused.json()["detail"]


def test_organisations_take_turns(acme, globex, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)
    busy, other = acme.profile.employer, globex.profile.employer
    body = json.dumps(feed("n")).encode()
    first, second = (
        feed_import_create(organisation=busy, sent_by=acme, content_type="application/json", body=body)
        for _ in range(2)
    )
    late = feed_import_create(organisation=other, sent_by=globex, content_type="application/json", body=body)
    # The busy organisation's first feed runs; then the other organisation's, though its task came last.
    assert feed_import_claim(feed_import_id=first.pk) == first
    assert feed_import_claim(feed_import_id=second.pk) == late
    assert feed_import_claim(feed_import_id=late.pk) == second
    assert feed_import_claim(feed_import_id=late.pk) is None  # all running: nothing left to do
