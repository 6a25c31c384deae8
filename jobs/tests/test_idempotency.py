"""`Idempotency-Key` on POST /api/v1/jobs and POST /api/v1/jobs/import: a retry with the same key and request gets
the first answer and writes nothing; the key with another request is a 422; keys are per organisation; a refused
request stores nothing. Two requests with the same key at once write once (test_idempotency_concurrent.py)."""

import json
from typing import Any

import pytest
from django.test import Client, TestCase

from accounts.services import api_key_create
from accounts.testing import member
from jobs.models import FeedImport, IdempotentRequest, Posting

pytestmark = pytest.mark.django_db

JOB = {
    "title": "Back-End Developer",
    "location": "Austin, TX",
    "salary_min": 95000,
    "salary_max": 120000,
    "salary_period": "year",
    "apply_url": "https://acme.example/apply",
}
FEED = [
    {
        "@type": "JobPosting",
        "title": "Registered Nurse",
        "identifier": {"value": "RN-1"},
        "hiringOrganization": {"name": "Acme"},
        "url": "https://acme.example/rn-1",
    }
]


def key_for(username: str, organisation: str) -> str:
    user = member(username, organisation)
    return api_key_create(user=user, name="HR system", employer=user.profile.employer)[1]


@pytest.fixture
def acme_key():
    return key_for("ada", "Acme Robotics")


def post(path: str, key: str, body, idempotency_key: str | None = None, content_type: str = "application/json"):
    headers: dict[str, Any] = {"HTTP_X_API_KEY": key}
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    data = body if isinstance(body, str) else json.dumps(body)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(path, data=data, content_type=content_type, **headers)


def test_a_retried_create_gets_the_first_answer_and_writes_nothing(acme_key):
    first = post("/api/v1/jobs", acme_key, JOB, "3f0c2a4e-retry-me")
    assert first.status_code == 201 and not first.has_header("Idempotent-Replayed")
    again = post("/api/v1/jobs", acme_key, JOB, "3f0c2a4e-retry-me")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert Posting.objects.filter(title="Back-End Developer").count() == 1
    assert first.json()["id"] == Posting.objects.get(title="Back-End Developer").pk
    # The same answer as without a key: the posting, as the API shows it.
    plain = post("/api/v1/jobs", acme_key, JOB | {"title": "Front-End Developer"})
    assert plain.status_code == 201 and set(plain.json()) == set(first.json())
    assert Posting.objects.count() - Posting.objects.exclude(employer__name="Acme Robotics").count() == 2


def test_the_same_key_with_another_request_is_refused(acme_key):
    assert post("/api/v1/jobs", acme_key, JOB, "k1").status_code == 201
    other = post("/api/v1/jobs", acme_key, JOB | {"title": "Something else"}, "k1")
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert other.json()["title"] == "Idempotency-Key reused" and "different request" in other.json()["detail"]
    assert not Posting.objects.filter(title="Something else").exists()
    # The same body sent to another endpoint with the key is another request too.
    assert post("/api/v1/jobs/import", acme_key, FEED, "k1").status_code == 422
    assert not FeedImport.objects.exists()


def test_keys_are_per_organisation(acme_key):
    globex_key = key_for("gus", "Globex")
    assert post("/api/v1/jobs", acme_key, JOB, "shared").status_code == 201
    theirs = post("/api/v1/jobs", globex_key, JOB, "shared")
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert theirs.json()["employer"] == "Globex"
    assert set(Posting.objects.filter(title=JOB["title"]).values_list("employer__name", flat=True)) == {
        "Acme Robotics",
        "Globex",
    }


def test_a_refused_request_stores_nothing_and_may_be_corrected(acme_key):
    refused = post("/api/v1/jobs", acme_key, JOB | {"location": "Springfield"}, "fix-me")
    assert refused.status_code == 422 and "Several places match" in refused.json()["detail"]
    assert not IdempotentRequest.objects.exists()
    corrected = post("/api/v1/jobs", acme_key, JOB, "fix-me")
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")
    unreadable = post("/api/v1/jobs/import", acme_key, "{not json", "feed-1")
    assert unreadable.status_code == 400 and not IdempotentRequest.objects.filter(key="feed-1").exists()


def test_a_retried_import_is_queued_once(acme_key):
    first = post("/api/v1/jobs/import", acme_key, FEED, "feed-2026-11-26")
    assert first.status_code == 202
    again = post("/api/v1/jobs/import", acme_key, FEED, "feed-2026-11-26")
    assert again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content and again["Location"] == first["Location"]
    assert FeedImport.objects.count() == 1 and Posting.objects.filter(external_id="RN-1").count() == 1
    csv_body = "job_id,company_name,title\n1,Acme,Nurse\n"
    as_csv = post("/api/v1/jobs/import", acme_key, csv_body, "feed-2026-11-26", content_type="text/csv")
    assert as_csv.status_code == 422


@pytest.mark.parametrize("value", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_key_must_be_1_to_255_printable_characters(acme_key, value):
    answer = post("/api/v1/jobs", acme_key, JOB, value)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"].endswith("Idempotency-Key")
    assert not Posting.objects.filter(title=JOB["title"]).exists()


def test_the_header_is_documented():
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/jobs", "/api/v1/jobs/import"):
        operation = schema["paths"][path]["post"]
        [header] = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and "retry" in header["description"]
    responses = schema["paths"]["/api/v1/jobs/import"]["post"]["responses"]
    # beside the rate-limit headers every keyed answer declares (lib.api_openapi)
    assert set(responses["202"]["headers"]) - {
        h for h in responses["202"]["headers"] if h.startswith("RateLimit-")
    } == {
        "Location",
        "Idempotent-Replayed",
    }
    assert "Idempotent-Replayed" in schema["paths"]["/api/v1/jobs"]["post"]["responses"]["201"]["headers"]
