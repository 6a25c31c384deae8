"""The employer's loop (issue 21, item 3): the pay preview while the posting is written (JSON for the form's script,
and the "Check pay" button without it) equals the verdict the published posting gets; the manage list shows each
posting's verdict, views and apply clicks; apply links go through a counting redirect to the stored address; feed
imports have a screen in the site."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Profile
from accounts.testing import signed_in
from jobs.models import FeedImport, Posting
from jobs.pay import pay_comparisons
from jobs.tests.conftest import POSTING, oews_row

pytestmark = pytest.mark.django_db

NURSE = {"title": "RN - ICU (Nights)", "role": "registered-nurses", "location": "Sunnyvale, CA"}
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}


@pytest.fixture
def band(snapshot_dir) -> dict[str, Decimal]:
    row = oews_row(snapshot_dir, "41940", "29-1141")  # Registered nurses, San Jose-Sunnyvale-Santa Clara
    return {
        key: Decimal(row[column]) for key, column in (("low", "H_PCT25"), ("median", "H_MEDIAN"), ("high", "H_PCT75"))
    }


def check(client: Client, **params: str):
    return client.get("/jobs/pay-check", params)


def test_the_preview_is_the_local_band_and_the_verdict_publishing_gives(acme, band):
    client = signed_in(acme)
    low, high = band["median"], band["high"] + 3  # starts within the band and reaches above it
    answer = check(client, role="registered-nurses", place="Sunnyvale, CA", min=str(low), max=str(high), unit="hour")
    assert answer.status_code == 200, answer.content
    preview = answer.json()
    assert preview["band"]["low"] == float(band["low"]) and preview["band"]["high"] == float(band["high"])
    assert preview["band"]["median"] == float(band["median"])
    assert preview["band"]["area"] == "San Jose-Sunnyvale-Santa Clara, CA" and preview["unit"] == "hour"
    assert preview["verdict"] == "overlaps" and preview["release"] == "May 2025"
    assert "starts within the band and reaches above the 75th percentile" in preview["sentence"]
    assert preview["citation"] == "BLS Occupational Employment and Wage Statistics (OEWS), May 2025"

    pay = {"salary_period": "hour", "salary_min": str(low), "salary_max": str(high)}
    saved = client.post("/jobs/manage/new/", {**POSTING, **NURSE, **pay, "publish": "1"})
    assert saved.status_code == 302
    posting = Posting.objects.get(title=NURSE["title"])
    assert pay_comparisons([posting])[posting.pk].sentence == preview["sentence"]
    assert preview["sentence"] in Client().get(posting.get_absolute_url()).content.decode()
    assert preview["sentence"] in client.get("/jobs/manage/").content.decode()  # the manage list's verdict


def test_the_preview_speaks_the_unit_entered_and_falls_back_to_the_nation(acme, snapshot_dir):
    national = oews_row(snapshot_dir, "99", "29-1141")
    client = signed_in(acme)
    answer = check(client, role="registered-nurses", arrangement="remote", min="50000", max="60000", unit="year")
    assert answer.status_code == 200, answer.content
    preview = answer.json()
    assert preview["band"]["area"] == "the United States" and preview["unit"] == "year"
    p25, p75 = (int(national[column].replace(",", "")) for column in ("A_PCT25", "A_PCT75"))
    assert (preview["band"]["low"], preview["band"]["high"]) == (p25, p75)
    assert preview["band"]["text"] == f"${p25:,}-${p75:,} a year"


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"min": "abc", "unit": "hour"}, "salary_min", "number"),
        ({"min": "40"}, "salary_period", "per hour or per year"),
        ({"min": "3", "unit": "hour"}, "salary_min", "federal minimum wage"),
        ({"min": "50", "max": "40", "unit": "hour"}, "salary_max", "below the lower end"),
        ({"min": "40", "unit": "hour", "place": "Nowhere Town, ID"}, "location", ""),
        ({"min": "40", "unit": "hour", "role": "zzzz qqqq xxxx"}, "role", "No role matches"),
        ({"unit": "hour"}, "salary_min", "Enter the pay"),
        ({"min": "40", "unit": "week"}, "salary_period", ""),
    ],
)
def test_bad_input_is_a_400_with_a_message(acme, params, field, words):
    answer = check(signed_in(acme), **({"role": "registered-nurses", "place": "Sunnyvale, CA"} | params))
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["message"] and field in body["errors"] and words in " ".join(body["errors"][field])


def test_the_preview_needs_a_signed_in_person_and_writes_nothing(acme):
    assert check(Client(), role="registered-nurses", min="40", unit="hour").status_code == 401
    before = Posting.objects.count()
    assert (
        check(signed_in(acme), role="registered-nurses", place="Sunnyvale, CA", min="40", unit="hour").status_code
        == 200
    )
    assert Posting.objects.count() == before


def test_check_pay_without_javascript_renders_the_same_preview_and_saves_nothing(acme, band):
    client = signed_in(acme)
    pay = {"salary_period": "hour", "salary_min": str(band["low"] - 5), "salary_max": str(band["low"] - 1)}
    preview = check(client, role=NURSE["role"], place=NURSE["location"], min=pay["salary_min"], unit="hour",
                    max=pay["salary_max"]).json()  # fmt: skip
    before = Posting.objects.count()
    page = client.post("/jobs/manage/new/", {**NURSE, **pay, "check_pay": "1"})  # no apply link yet: not judged
    body = page.content.decode()
    assert page.status_code == 200 and Posting.objects.count() == before
    assert preview["verdict"] == "below" and preview["sentence"] in body
    assert 'aria-live="polite"' in body and f'value="{NURSE["title"]}"' in body  # what was typed is kept
    assert "was not saved" not in body
    bad = client.post("/jobs/manage/new/", {**NURSE, "salary_min": "40", "check_pay": "1"})
    assert bad.status_code == 400 and "per hour or per year" in bad.content.decode()


@pytest.fixture
def posting(acme) -> Posting:
    apply_url = "https://acme.example/apply?job=7&src=rolescope&name=a%20b#form"
    signed_in(acme).post("/jobs/manage/new/", {**POSTING, "apply_url": apply_url, "publish": "1"})
    return Posting.objects.get(title=POSTING["title"])


def test_views_are_counted_for_readers_not_for_the_organisation_or_robots(acme, posting):
    url = posting.get_absolute_url()
    Client().get(url, **BROWSER)
    Client().get(url, **BROWSER)
    Client().get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    Client().get(url)  # no user agent at all
    signed_in(acme).get(url, **BROWSER)
    posting.refresh_from_db()
    assert posting.views == 2


def test_apply_counts_then_redirects_to_the_stored_address_exactly(acme, posting):
    answer = Client().get(f"/jobs/{posting.pk}/apply?next=https://evil.example/&url=https://evil.example/", **BROWSER)
    assert answer.status_code == 302 and answer["Location"] == posting.apply_url
    assert answer["Location"] == "https://acme.example/apply?job=7&src=rolescope&name=a%20b#form"
    signed_in(acme).get(f"/jobs/{posting.pk}/apply", **BROWSER)  # the organisation's own click
    posting.refresh_from_db()
    assert posting.apply_clicks == 1
    page = Client().get(posting.get_absolute_url(), **BROWSER).content.decode()
    assert f'href="/jobs/{posting.pk}/apply"' in page and posting.apply_url not in page.split("<main", 1)[-1]
    manage = signed_in(acme).get("/jobs/manage/").content.decode()
    assert '<td class="number">1</td>' in manage  # views (one reader) and apply clicks (one)


def test_apply_refuses_drafts_and_postings_without_a_web_address(acme):
    client = signed_in(acme)
    client.post("/jobs/manage/new/", {**POSTING, "title": "Draft job", "draft": "1"})
    email = {"apply_url": "", "apply_email": "jobs@acme.example", "publish": "1"}
    client.post("/jobs/manage/new/", {**POSTING, "title": "By email", **email})
    draft, by_email = Posting.objects.get(title="Draft job"), Posting.objects.get(title="By email")
    assert draft.status == "draft" and by_email.status == "published"
    assert Client().get(f"/jobs/{draft.pk}/apply").status_code == 404
    assert Client().get(f"/jobs/{by_email.pk}/apply").status_code == 404
    assert Client().get("/jobs/999999/apply").status_code == 404


def feed(*rows: dict) -> bytes:
    items = [
        {
            "@type": "JobPosting",
            "title": "Registered Nurse",
            "identifier": {"value": identifier},
            "hiringOrganization": {"name": "Acme Robotics"},
            "url": "https://acme.example/jobs",
        }
        | values
        for identifier, values in rows
    ]
    return json.dumps(items).encode()


def upload(client: Client, name: str, body: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/jobs/manage/imports/", {"feed": SimpleUploadedFile(name, body)})


def test_a_feed_uploaded_in_the_site_is_imported_with_its_row_errors(acme):
    client = signed_in(acme)
    good = ("n-1", {"jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}}})
    bad = ("n-2", {"jobLocation": {"address": {"addressLocality": "Nowhere Town", "addressRegion": "ID"}}})
    answer = upload(client, "nurses.json", feed(good, bad))
    feed_import = FeedImport.objects.get(organisation=acme.profile.employer)
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/manage/imports/{feed_import.pk}/"
    assert feed_import.status == "done" and feed_import.imported == 1 and len(feed_import.rejected) == 1
    page = client.get(answer["Location"]).content.decode()
    assert f"Import {feed_import.pk}: done" in page and "Nowhere Town" in page
    listing = client.get("/jobs/manage/imports/").content.decode()
    assert f"Import {feed_import.pk}</a>" in listing


@pytest.mark.parametrize(
    "name, body, status, words",
    [
        ("feed.txt", b"[]", 400, "Upload a .json or a .csv file."),
        ("feed.json", b"{not json", 400, "JSON"),
        ("feed.json", b"\xff\xfe", 400, "UTF-8"),
    ],
)
def test_an_unreadable_upload_is_refused_with_the_reason(acme, name, body, status, words):
    answer = upload(signed_in(acme), name, body)
    assert answer.status_code == status and words in answer.content.decode()
    assert not FeedImport.objects.exists()


def test_feed_imports_belong_to_their_organisation(personas):
    acme, globex = personas.member, personas.other_member
    denver = {"jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}}}
    upload(signed_in(acme), "one.json", feed(("n-1", denver)))
    mine = FeedImport.objects.get()
    assert signed_in(globex).get(f"/jobs/manage/imports/{mine.pk}/").status_code == 404
    assert f"Import {mine.pk}" not in signed_in(globex).get("/jobs/manage/imports/").content.decode()
    assert signed_in(personas.candidate).get("/jobs/manage/imports/").status_code == 403
    assert Client().get("/jobs/manage/imports/").status_code == 302  # to sign in
    assert Profile.objects.get(user=acme).employer == mine.organisation


def test_the_manage_list_reads_a_constant_number_of_queries(acme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(acme)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/jobs/manage/").status_code == 200
        return len(captured)

    for number in range(3):
        client.post("/jobs/manage/new/", {**POSTING, "title": f"Developer {number}", "publish": "1"})
    queries()  # the first after a write reads the versions again (and what a process keeps for them)
    few = queries()
    for number in range(3, 9):
        client.post("/jobs/manage/new/", {**POSTING, "title": f"Developer {number}", "publish": "1"})
    queries()
    assert queries() == few  # the verdicts of a page in one lookup, the counters in its rows


def test_a_job_board_is_added_read_and_removed_in_the_site(acme, monkeypatch):
    from pathlib import Path

    from django_q.conf import Conf  # type: ignore[import-untyped]
    from django_q.models import OrmQ  # type: ignore[import-untyped]

    from jobs.models import JobBoard
    from jobs.services.boards import board_refresh

    monkeypatch.setattr(Conf, "SYNC", False)  # queued for the worker, not run here (it would read the network)
    client = signed_in(acme)
    refused = client.post("/jobs/manage/boards/", {"kind": "greenhouse", "token": "../admin?x=1"})
    assert refused.status_code == 400 and "Letters, digits" in refused.content.decode()
    assert client.post("/jobs/manage/boards/", {"kind": "jsonld", "token": "acme"}).status_code == 400  # staff only
    added = client.post("/jobs/manage/boards/", {"kind": "greenhouse", "token": "acme"})
    board = JobBoard.objects.get(organisation=acme.profile.employer)
    assert added.status_code == 302 and (board.kind, board.token, board.url) == ("greenhouse", "acme", "")
    assert OrmQ.objects.count() == 1  # "read it now", waiting for the worker
    report = board_refresh(board=board, path=Path(__file__).parent / "boards" / "greenhouse.json")  # as the worker
    page = client.get("/jobs/manage/boards/").content.decode()
    assert f'<td class="number">{report.imported}</td>' in page and "Greenhouse: acme" in page
    client.post(f"/jobs/manage/boards/{board.pk}/refresh/")
    assert OrmQ.objects.count() == 2
    removed = client.post(f"/jobs/manage/boards/{board.pk}/remove/")
    assert removed.status_code == 302 and not JobBoard.objects.exists()
    assert not Posting.objects.filter(external_id__startswith="greenhouse:", status="published").exists()
    assert report.imported > 0


def test_job_boards_belong_to_their_organisation(acme, globex):
    from jobs.models import JobBoard

    board = JobBoard.objects.create(organisation=acme.profile.employer, kind="lever", token="acme")
    assert signed_in(globex).post(f"/jobs/manage/boards/{board.pk}/remove/").status_code == 404
    assert "Lever: acme" in signed_in(acme).get("/jobs/manage/boards/").content.decode()
    assert "Lever: acme" not in signed_in(globex).get("/jobs/manage/boards/").content.decode()
    assert signed_in(acme).post(f"/jobs/manage/boards/{board.pk}/explode/").status_code == 404
    assert JobBoard.objects.filter(pk=board.pk).exists()
