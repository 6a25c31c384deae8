"""Defects found trying rolescope as a new user would (issue 21 item 6), each a test that failed before its fix:
one place rule for feeds and the API, a sanitised description in the API, the pay verdict by how the range overlaps
the band, "Office Manager" as an office supervisor, hiringOrganization.name not required of an organisation's own
feed, and an invitee without an account led through sign-up back to the invitation."""

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from accounts.services import api_key_create, invitation_create
from jobs.imports import postings as feeds
from jobs.models import Posting
from jobs.pay import pay_comparisons
from jobs.schemas import PostingFields
from jobs.services.postings import posting_upsert
from jobs.tests.conftest import import_feed, oews_row
from roles.search import SHARED_TITLES, suggest_role

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parents[2] / "roles" / "tests" / "title_corpus.csv"


@pytest.fixture
def key(acme):
    return api_key_create(user=acme, name="HR system", employer=acme.profile.employer)[1]


def item(identifier: str, **values) -> dict:
    return {"@type": "JobPosting", "title": "Registered Nurse", "identifier": {"value": identifier}} | values


def test_a_place_that_does_not_resolve_is_refused_by_feeds_as_by_the_api(key):
    nowhere = {"address": {"addressLocality": "Nowhere Town", "addressRegion": "ID"}}
    report = import_feed(key, [item("RN-9", jobLocation=nowhere), item("RN-10", jobLocation=nowhere | {})]).json()
    api = Client().post(
        "/api/v1/jobs",
        json.dumps({"title": "Registered Nurse", "location": "Nowhere Town, ID", "apply_url": "https://a.example/"}),
        content_type="application/json",
        HTTP_X_API_KEY=key,
    )
    assert api.status_code == 422
    message = api.json()["errors"][0]["message"]
    assert message.startswith("We couldn't find “Nowhere Town” in Idaho.")
    assert report["imported"] == 0 and report["rejected"][0] == f"item 1: location: {message}"
    assert not Posting.objects.filter(external_id="RN-9").exists()


def test_the_api_serves_a_sanitised_description_beside_the_source(acme):
    fields = PostingFields(
        title="Registered Nurse",
        location="Denver, CO",
        description="**Nights**<script>alert(1)</script> [more](javascript:alert(1))",
        apply_url="https://acme.example/apply",
    )
    posting = posting_upsert(organisation=acme.profile.employer, fields=fields, publish=True)
    job = Client().get(f"/api/v1/jobs/{posting.pk}").json()
    assert "<script>" in job["description"]  # the source, as written
    assert "<strong>Nights</strong>" in job["description_html"]
    assert "<script" not in job["description_html"] and "javascript:" not in job["description_html"]
    schema = json.loads((Path(__file__).parents[2] / "openapi.json").read_text())
    assert "description_html" in schema["components"]["schemas"]["JobOut"]["required"]


@pytest.fixture
def nurse_band(snapshot_dir) -> tuple[Decimal, Decimal]:
    row = oews_row(snapshot_dir, "19740", "29-1141")  # Registered nurses, Denver-Aurora-Centennial
    return Decimal(row["H_PCT25"]), Decimal(row["H_PCT75"])


def hourly_nurse(organisation, low: Decimal, high: Decimal) -> Posting:
    fields = PostingFields.model_validate(
        {
            "title": "Registered Nurse",
            "role": "registered-nurses",
            "location": "Denver, CO",
            "salary_min": float(low),
            "salary_max": float(high),
            "salary_period": "hour",
            "apply_url": "https://acme.example/apply",
        }
    )
    return posting_upsert(organisation=organisation, fields=fields, publish=True)


def test_the_verdict_is_how_the_range_overlaps_the_band(acme, nurse_band):
    low, high = nurse_band
    organisation = acme.profile.employer
    # The case: a range from inside the band to well past its top, whose midpoint is above the top.
    straddling = hourly_nurse(organisation, high - Decimal("1.52"), high + Decimal("8.48"))
    inside = hourly_nurse(organisation, low, high)
    above = hourly_nurse(organisation, high + 1, high + 5)
    found = pay_comparisons([straddling, inside, above])
    assert (found[straddling.pk].verdict, found[straddling.pk].starts, found[straddling.pk].ends) == (
        "overlaps",
        "within",
        "above",
    )
    assert found[straddling.pk].sentence.startswith(
        "Pay starts within the band and reaches above the 75th percentile for this role in Denver"
    )
    assert f"${low:,.2f}-${high:,.2f} an hour" in found[straddling.pk].sentence
    assert (found[inside.pk].verdict, found[above.pk].verdict) == ("within", "above")
    api = Client().get(f"/api/v1/jobs/{straddling.pk}").json()["pay_comparison"]
    assert (api["verdict"], api["range_starts"], api["range_ends"]) == ("overlaps", "within", "above")


def test_office_manager_is_an_office_supervisor(acme, snapshot_dir):
    assert suggest_role("Office Manager").soc_code == "43-1011"
    fields = PostingFields(
        title="Office Manager",
        location="Denver, CO",
        salary_min=45_000,
        salary_max=55_000,
        salary_period="year",
        apply_url="https://acme.example/apply",
    )
    posting = posting_upsert(organisation=acme.profile.employer, fields=fields, publish=True)
    assert posting.role.occupation_id == "43-1011"
    row = oews_row(snapshot_dir, "19740", "43-1011")
    comparison = pay_comparisons([posting])[posting.pk]
    assert (comparison.low, comparison.high) == (int(row["A_PCT25"]), int(row["A_PCT75"]))


def test_every_shared_title_follows_the_labelled_corpus():
    with open(CORPUS, newline="", encoding="utf-8") as handle:
        labels = {row["title"].lower(): row["soc"] for row in csv.DictReader(handle) if row["soc"]}
    assert {title: labels[title] for title in SHARED_TITLES} == SHARED_TITLES
    assert {title: suggest_role(title).soc_code for title in SHARED_TITLES} == SHARED_TITLES


def test_an_organisations_feed_need_not_name_the_organisation(acme, tmp_path):
    organisation = acme.profile.employer
    path = tmp_path / "feed.json"
    located = {"jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}}}
    path.write_text(json.dumps([item("RN-1", **located), {"@type": "JobPosting"}]))
    run, rejected = feeds.load(path, employer=organisation)
    assert run.rows_written == 1 and Posting.objects.get(external_id="RN-1").employer == organisation
    assert rejected == ["item 2: title and identifier are required"]  # each missing field by name
    _, rejected = feeds.load(path)  # a feed from no organisation must say whose postings they are
    assert "item 1: hiringOrganization.name is required (the feed names no organisation)" in rejected


def test_an_invitee_without_an_account_is_led_to_the_invitation(acme):
    _, token = invitation_create(organisation=acme.profile.employer, email="bea@example.org", invited_by=acme)
    join = f"/accounts/join/{token}/"
    signin = Client().get(join, follow=True)
    page = signin.content.decode()
    assert "You are invited to join <strong>Acme Robotics</strong>" in page
    create = re.search(r'href="(/accounts/signup/[^"]*)">Create one', page).group(1)
    assert create == f"/accounts/signup/?next={join}"
    client = Client()
    form = client.get(create).content.decode()
    assert f'name="next" value="{join}"' in form and "invited to join <strong>Acme Robotics" in form
    sent = client.post(
        "/accounts/signup/",
        {"username": "bea", "email": "bea@example.org", "kind": "candidate", "organisation": "",
         "password1": "a long enough pass 9", "password2": "a long enough pass 9", "next": join},
    )  # fmt: skip
    assert sent.status_code == 302, sent.content.decode()[:3000]
    link = re.search(r"https?://\S+/accounts/confirm/\S+", mail.outbox[-1].body).group(0)
    assert link.endswith(f"?next=%2Faccounts%2Fjoin%2F{token}%2F")
    confirmed = client.get(link.split("testserver", 1)[1])
    assert confirmed.status_code == 302 and confirmed["Location"] == join
    assert "Acme Robotics" in client.get(join).content.decode()
