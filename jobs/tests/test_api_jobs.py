"""/api/v1/jobs: public search; writes with a key scoped to an organisation; feed imports."""

import csv
import gzip
import io
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.services import api_key_create
from accounts.testing import PASSWORD, member
from jobs.models import Posting
from jobs.tests.conftest import import_feed

pytestmark = pytest.mark.django_db

JOB = {
    "title": "Back-End Developer",
    "location": "Austin, TX",
    "arrangement": "onsite",
    "salary_min": 95000,
    "salary_max": 120000,
    "salary_period": "year",
    "description": "Go and **Postgres**.",
    "apply_url": "https://acme.example/apply",
}


def key_for(user: User) -> str:
    return api_key_create(user=user, name="HR system", employer=user.profile.employer)[1]


@pytest.fixture
def acme_key():
    return key_for(member("ada", "Acme Robotics"))


@pytest.fixture
def globex_key():
    return key_for(member("gus", "Globex"))


def call(method: str, path: str, key: str | None = None, body=None, content_type="application/json"):
    headers = {"HTTP_X_API_KEY": key} if key else {}
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    return getattr(Client(), method)(path, data=data, content_type=content_type, **headers)


def test_search_lists_the_samples_with_pay_comparisons():
    answer = Client().get("/api/v1/jobs", {"include_expired": "true", "q": "product manager", "page_size": 100})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] > 0 and len(body["results"]) == min(body["count"], 100)
    assert all(job["status"] == "expired" for job in body["results"])
    assert Client().get("/api/v1/jobs").json()["count"] == Posting.objects.live().count() == 0
    compared = next(job for job in body["results"] if job["pay_comparison"])
    assert compared["pay_comparison"]["verdict"] in {"below", "within", "above", "overlaps"}
    assert compared["pay_comparison"]["release"].startswith("May ")


def test_search_answers_bad_filters_clearly():
    assert Client().get("/api/v1/jobs", {"role": "no-such-role"}).status_code == 404
    assert Client().get("/api/v1/jobs", {"category": "nope"}).status_code == 404
    assert Client().get("/api/v1/jobs", {"location": "Springfield"}).status_code == 300
    assert Client().get("/api/v1/jobs", {"min_salary": "-5"}).status_code == 422
    assert Client().get("/api/v1/jobs", {"sort": "random"}).status_code == 422


def test_an_organisation_key_creates_publishes_changes_and_closes(acme_key):
    created = call("post", "/api/v1/jobs", acme_key, JOB)
    assert created.status_code == 201, created.content
    job = created.json()
    assert job["status"] == "draft" and job["employer"] == "Acme Robotics" and job["role"] == "back-end-developer"
    assert job["area_code"] == "0012420" and job["annual_max"] == 120_000
    assert Client().get(f"/api/v1/jobs/{job['id']}").status_code == 404  # a draft, for others
    own_draft = call("get", f"/api/v1/jobs/{job['id']}", acme_key)
    assert own_draft.status_code == 200 and own_draft.json()["status"] == "draft"
    assert own_draft["Cache-Control"] == "private, no-store"

    published = call("post", f"/api/v1/jobs/{job['id']}/publish", acme_key)
    assert published.status_code == 200 and published.json()["status"] == "published"
    listed = Client().get("/api/v1/jobs", {"role": "back-end-developer", "location": "Austin, TX"}).json()
    assert [j["id"] for j in listed["results"]] == [job["id"]]
    assert listed["results"][0]["pay_comparison"] is not None

    changed = call("patch", f"/api/v1/jobs/{job['id']}", acme_key, {"salary_max": 130000})
    assert changed.status_code == 200 and changed.json()["annual_max"] == 130_000
    assert changed.json()["title"] == "Back-End Developer"  # untouched fields kept
    closed = call("post", f"/api/v1/jobs/{job['id']}/close", acme_key)
    assert closed.json()["status"] == "closed"
    renewed = call("post", f"/api/v1/jobs/{job['id']}/renew", acme_key)
    assert renewed.json()["status"] == "published"


def test_writes_are_refused_with_the_reason_and_change_nothing(acme_key, globex_key):
    job = call("post", "/api/v1/jobs", acme_key, {**JOB, "publish": True}).json()
    before = Posting.objects.values().get(pk=job["id"])
    assert call("post", "/api/v1/jobs", None, JOB).status_code == 401
    assert call("post", "/api/v1/jobs", "rs_bogus_key", JOB).status_code == 401
    unscoped = api_key_create(user=User.objects.create_user("cy", "cy@example.org", PASSWORD), name="x")[1]
    assert call("post", "/api/v1/jobs", unscoped, JOB).status_code == 403
    other = call("patch", f"/api/v1/jobs/{job['id']}", globex_key, {"title": "Hijacked"})
    assert other.status_code == 403 and other["Content-Type"] == "application/problem+json"
    assert call("post", f"/api/v1/jobs/{job['id']}/close", globex_key).status_code == 403
    assert call("post", "/api/v1/jobs/99999999/close", acme_key).status_code == 404
    invalid = call("patch", f"/api/v1/jobs/{job['id']}", acme_key, {"apply_url": "", "apply_email": ""})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "apply_url"
    ambiguous = call("post", "/api/v1/jobs", acme_key, {**JOB, "location": "Springfield"})
    assert ambiguous.status_code == 422 and "Several places match" in ambiguous.json()["detail"]
    assert Posting.objects.values().get(pk=job["id"]) == before

    draft = call("post", "/api/v1/jobs", acme_key, JOB).json()
    assert call("patch", f"/api/v1/jobs/{draft['id']}", globex_key, {"title": "x"}).status_code == 404


def test_feed_import_is_scoped_idempotent_and_reports_bad_items(acme_key, globex_key):
    feed = [
        {
            "@type": "JobPosting",
            "title": "Registered Nurse",
            "identifier": {"value": "RN-1"},
            "hiringOrganization": {"name": "Anything"},
            "jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}},
            "baseSalary": {"value": {"minValue": 40, "maxValue": 48, "unitText": "HOUR"}},
            "datePosted": "2026-11-20",
            "validThrough": "2026-12-20",
            "url": "https://acme.example/rn-1",
        },
        {"@type": "JobPosting", "title": "No id"},
    ]
    answer = import_feed(acme_key, feed)
    assert answer.status_code == 200, answer.content
    report = answer.json()
    assert report["imported"] == 1 and report["rows_read"] == 2
    assert report["rejected"] == ["item 2: identifier is required"]
    posting = Posting.objects.get(external_id="RN-1")
    assert posting.employer.name == "Acme Robotics" and posting.annual_max == 48 * 2080 and posting.area_id
    assert import_feed(acme_key, feed).json()["imported"] == 1
    assert Posting.objects.filter(external_id="RN-1").count() == 1
    # Another organisation's identical feed makes its own posting, never touching Acme's; nor can it read Acme's
    # import's status.
    import_feed(globex_key, feed)
    assert call("get", report["url"], globex_key).status_code == 404
    assert set(Posting.objects.filter(external_id="RN-1").values_list("employer__name", flat=True)) == {
        "Acme Robotics",
        "Globex",
    }


def test_csv_feeds_and_bad_feeds(acme_key, snapshot_dir):
    with gzip.open(snapshot_dir / "postings/usajobs_product_manager_jobs.csv.gz", "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))[:3]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    answer = import_feed(acme_key, out.getvalue(), content_type="text/csv")
    assert answer.status_code == 200 and answer.json()["imported"] == 3
    assert Posting.objects.filter(employer__name="Acme Robotics").count() == 3
    bad = import_feed(acme_key, "a,b\n1,2\n", content_type="text/csv")
    assert bad.status_code == 400 and "not a known postings layout" in bad.json()["detail"]
    assert import_feed(acme_key, "x", content_type="text/plain").status_code == 415
    broken = import_feed(acme_key, "{not json", content_type="application/json")
    assert broken.status_code == 400 and "not a JSON feed" in broken.json()["detail"]
    assert Posting.objects.filter(employer__name="Acme Robotics").count() == 3
