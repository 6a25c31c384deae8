"""A posting paid by the hour, end to end: written on the site, through the API and in a feed, it is shown as the
employer wrote it and judged against the hourly OEWS band for its role and place, labelled; pay below the federal
minimum wage is refused on every path."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import Client

from accounts.services import api_key_create
from accounts.testing import signed_in
from jobs.models import Posting
from jobs.tests.conftest import POSTING, import_feed, oews_row

pytestmark = pytest.mark.django_db

NURSE = {"title": "RN - ICU (Nights)", "role": "registered-nurses", "location": "Sunnyvale, CA"}


@pytest.fixture
def band(snapshot_dir) -> dict[str, Decimal]:
    row = oews_row(snapshot_dir, "41940", "29-1141")  # Registered nurses, San Jose-Sunnyvale-Santa Clara
    return {"low": Decimal(row["H_PCT25"]), "high": Decimal(row["H_PCT75"]), "median": Decimal(row["H_MEDIAN"])}


@pytest.fixture
def key(acme):
    return api_key_create(user=acme, name="HR system", employer=acme.profile.employer)[1]


def expected_sentence(band: dict[str, Decimal], verdict: str) -> str:
    return (
        f"Pay is {verdict} for this role in San Jose-Sunnyvale-Santa Clara, CA "
        f"(${band['low']:,.2f}-${band['high']:,.2f} an hour, BLS OEWS May 2025)."
    )


def test_the_site_form(acme, band):
    pay = {"salary_period": "hour", "salary_min": str(band["median"]), "salary_max": str(band["median"] + 2)}
    response = signed_in(acme).post("/jobs/manage/new/", {**POSTING, **NURSE, **pay, "publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    posting = Posting.objects.filter(source="").latest("id")
    assert (posting.salary_min, posting.salary_period) == (band["median"], "hour")
    written = f"${band['median']:,.2f}–${band['median'] + 2:,.2f} an hour"
    within = expected_sentence(band, "within the 25th-75th percentile band")
    for page in (posting.get_absolute_url(), "/jobs/?role=registered-nurses&location=Sunnyvale%2C+CA"):
        body = Client().get(page).content.decode()
        assert written in body and within in body, page
        assert "a year (hourly pay" not in body  # never an annual figure the employer did not write


def test_the_api_create_update_and_read_answers_carry_the_comparison(key, band):
    headers = {"HTTP_X_API_KEY": key}
    job = {**NURSE, "salary_min": float(band["low"]) - 5, "salary_max": float(band["low"]) - 1}
    job |= {"salary_period": "hour", "apply_url": "https://acme.example/apply", "publish": True}
    created = Client().post("/api/v1/jobs", json.dumps(job), content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    answer = created.json()["pay_comparison"]
    assert answer["verdict"] == "below" and answer["unit"] == "hour"
    assert (Decimal(str(answer["band_low"])), Decimal(str(answer["band_high"]))) == (band["low"], band["high"])
    assert answer["sentence"] == expected_sentence(band, "below the 25th percentile")
    job_id = created.json()["id"]
    assert Client().get(f"/api/v1/jobs/{job_id}").json()["pay_comparison"] == answer
    changed = Client().patch(
        f"/api/v1/jobs/{job_id}",
        json.dumps({"salary_min": float(band["high"]) + 1, "salary_max": float(band["high"]) + 3}),
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["pay_comparison"]["verdict"] == "above"


def test_a_feed(key, band):
    out = io.StringIO()
    from jobs.imports.postings import LINKEDIN_COLUMNS

    writer = csv.DictWriter(out, fieldnames=LINKEDIN_COLUMNS)
    writer.writeheader()
    row = {column: "" for column in LINKEDIN_COLUMNS}
    writer.writerow(
        row
        | {"job_id": "77", "company_name": "Valley Hospital", "title": "Registered Nurse", "location": "Sunnyvale, CA"}
        | {"pay_period": "HOURLY", "min_salary": str(band["median"]), "max_salary": str(band["median"])}
    )
    writer.writerow(row | {"job_id": "78", "company_name": "Valley Hospital", "title": "Registered Nurse"})
    response = import_feed(key, out.getvalue(), content_type="text/csv")
    assert response.status_code == 200 and response.json()["imported"] == 2, response.content
    posting = Posting.objects.get(external_id="linkedin-77")
    assert posting.salary_period == "hour" and posting.salary_min == band["median"]
    found = Client().get("/api/v1/jobs", {"q": "Registered Nurse", "location": "Sunnyvale, CA", "include_expired": 1})
    listed = next(job for job in found.json()["results"] if job["id"] == posting.pk)
    assert listed["pay_comparison"]["unit"] == "hour" and listed["pay_comparison"]["verdict"] == "within"


@pytest.mark.parametrize(
    ("pay", "message"),
    [
        ({"salary_period": "hour", "salary_min": 5, "salary_max": 6}, "at least the federal minimum wage, $7.25"),
        ({"salary_period": "year", "salary_min": 95, "salary_max": 95}, "$95 a year is too little for a yearly pay"),
        ({"salary_period": "year", "salary_min": 14000, "salary_max": 14000}, "at least $15,080"),
        ({"salary_period": "hour", "salary_min": 40, "salary_max": 5000}, "At most $1,000 an hour"),
        ({"salary_period": "year", "salary_min": 90000, "salary_max": 9000000}, "At most $2,000,000 a year"),
    ],
)
def test_pay_no_job_could_post_is_refused_on_the_site_and_the_api(acme, key, pay, message):
    body = {**NURSE, **pay, "apply_url": "https://acme.example/apply"}
    answer = Client().post("/api/v1/jobs", json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)
    assert answer.status_code == 422, answer.content
    assert any(message in error["message"] for error in answer.json()["errors"]), answer.json()
    form = {**POSTING, **NURSE, **{name: str(value) for name, value in pay.items()}, "publish": "1"}
    page = signed_in(acme).post("/jobs/manage/new/", form)
    assert page.status_code == 400 and message in page.content.decode()
    assert not Posting.objects.filter(title=NURSE["title"]).exists()
