"""Saved searches and job alerts (issue 21, item 2): saving a /jobs/ search, the emails of new matches (daily,
instant, and the open-to-work digest), one-click unsubscribe, the owner's page and the Atom feed."""

import html
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.testing import candidate, member, signed_in
from jobs import alerts
from jobs.models import AlertDelivery, Candidate, Posting, SavedSearch
from jobs.schemas import PostingFields
from jobs.services.alerts import alerts_send
from jobs.services.postings import posting_upsert
from jobs.tests.conftest import oews_row
from lib.schedules import registered_recurring

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(organisation, title: str, location: str = "Denver, CO", **fields) -> Posting:
    values = {"title": title, "location": location, "apply_url": "https://acme.example/apply", **fields}
    return posting_upsert(organisation=organisation, fields=PostingFields.model_validate(values), publish=True)


def save(client: Client, query: str):
    return client.post("/jobs/save-search/", {"query": query})


def shown_on_jobs_page(query: str) -> set[int]:
    """The postings /jobs/ lists for the query string (its first page: these tests make fewer than 20)."""
    page = Client().get(f"/jobs/?{query}").content.decode()
    return {int(pk) for pk in re.findall(r'<h2><a href="/jobs/(\d+)/', page)}


def delivered(saved: SavedSearch) -> set[int]:
    return set(AlertDelivery.objects.filter(saved_search=saved).values_list("posting_id", flat=True))


@pytest.fixture
def acme():
    return member("ada", "Acme Robotics").profile.employer


@pytest.fixture
def cara():
    return candidate("cara")


def test_a_signed_in_person_saves_the_search_of_the_jobs_page(cara):
    anonymous = Client().get("/jobs/?q=nurse&location=Denver%2C+CO").content.decode()
    assert "Sign in to save this search" in anonymous
    assert "/accounts/login/?next=/jobs/%3Fq%3Dnurse%26location%3DDenver%252C%2BCO" in anonymous
    client = signed_in(cara)
    page = client.get("/jobs/?sort=salary&location=Denver%2C+CO&q=nurse&page=2").content.decode()
    assert 'name="query" value="q=nurse&amp;location=Denver%2C+CO"' in page  # sort and page are not kept
    answer = save(client, "sort=salary&location=Denver%2C+CO&q=nurse&page=2")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/saved-searches/"
    saved = SavedSearch.objects.get(owner=cara)
    assert (saved.query, saved.frequency, saved.name) == (
        "q=nurse&location=Denver%2C+CO",
        "daily",
        "“nurse” in Denver, CO",
    )
    assert save(client, "q=nurse&location=Denver,+CO&remote=0").status_code == 302  # the same search again
    assert SavedSearch.objects.filter(owner=cara).count() == 1
    listed = client.get("/accounts/saved-searches/").content.decode()
    assert (
        "You had already saved this search: “nurse” in Denver, CO." in listed
        and 'href="/jobs/?q=nurse&amp;location=' in listed
    )


def test_saving_needs_a_sign_in_csrf_and_a_place_that_resolves(cara):
    assert Client().post("/jobs/save-search/", {"query": "q=nurse"})["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cara)
    assert strict.post("/jobs/save-search/", {"query": "q=nurse"}).status_code == 403
    refused = save(signed_in(cara), "location=Nowhere+Town%2C+ID")
    assert refused.status_code == 400
    assert "We couldn't find “Nowhere Town” in Idaho." in html.unescape(refused.content.decode())
    assert not SavedSearch.objects.exists()


def test_a_saved_search_mails_exactly_what_the_jobs_page_shows(acme, cara):
    client = signed_in(cara)
    queries = [
        "q=nurse",
        "role=registered-nurses&location=Denver%2C+CO",
        "location=Austin%2C+TX",
        "remote=1",
        "min_salary=100000",
        "q=engineer&min_salary=90000",
        "category=healthcare",
        "",
        "days=1",
        "q=%21%21%21",  # no words: every posting, as on the page
        "role=29-1141",  # a role by its occupation's code
        "min_salary=90000&location=Austin%2C+TX",
        "q=nurs&remote=1",
    ]
    for query in queries:
        assert save(client, query).status_code == 302
    publish(
        acme, "Registered Nurse, nights", role="registered-nurses", salary_min=40, salary_max=48, salary_period="hour"
    )
    publish(acme, "Registered Nurse", location="Austin, TX", role="registered-nurses")
    publish(acme, "Nurse Practitioner", location="Austin, TX")
    publish(
        acme,
        "Software Engineer",
        location="",
        arrangement="remote",
        salary_min=120_000,
        salary_max=150_000,
        salary_period="year",
    )
    publish(acme, "Civil Engineer", location="Austin, TX", salary_min=85_000, salary_max=95_000, salary_period="year")
    publish(acme, "Office Manager", salary_min=45_000, salary_max=55_000, salary_period="year")
    posting_upsert(
        organisation=acme,
        fields=PostingFields(title="Nurse draft", location="Denver, CO", apply_url="https://a.example/"),
    )
    report = alerts_send(frequency="daily")
    assert report.new_postings == 6 and report.queries == len(queries)
    mailed_once = set()
    for saved in SavedSearch.objects.filter(owner=cara).order_by("pk"):  # the order a run takes them in
        expected = shown_on_jobs_page(saved.query) - mailed_once  # a person gets a posting once, whichever search
        assert delivered(saved) == expected, saved.query
        mailed_once |= expected
    assert mailed_once == set(Posting.objects.live().values_list("pk", flat=True))
    assert (
        len(mail.outbox)
        == report.emails
        == len({s for s in AlertDelivery.objects.values_list("saved_search", flat=True)})
    )


def test_a_posting_is_never_mailed_twice(acme, cara):
    client = signed_in(cara)
    save(client, "q=nurse")
    first = publish(acme, "Registered Nurse")
    alerts_send(frequency="daily")
    assert len(mail.outbox) == 1 and first.get_absolute_url() in mail.outbox[0].body
    assert alerts_send(frequency="daily").emails == 0  # run again: nothing new
    save(client, "location=Denver%2C+CO")  # another search finding the same posting
    second = publish(acme, "Licensed Practical Nurse")
    report = alerts_send(frequency="daily")
    assert report.emails == 1 and report.postings_mailed == 1
    body = mail.outbox[1].body
    assert second.get_absolute_url() in body and first.get_absolute_url() not in body
    assert AlertDelivery.objects.filter(posting=first).count() == 1
    # A posting closed and published again is not new again.
    from jobs.services.postings import posting_close, posting_publish

    posting_publish(posting=posting_close(posting=first))
    assert alerts_send(frequency="daily").emails == 0
    # A search turned off sends nothing; one that is instant is not in the daily run.
    SavedSearch.objects.update(frequency="off")
    publish(acme, "Travel Nurse")
    assert alerts_send(frequency="daily").emails == 0


def test_the_email_lists_links_and_pay_verdicts_with_one_click_unsubscribe(acme, cara, snapshot_dir, settings):
    settings.SITE_URL = "https://rolescope.example.org"
    save(signed_in(cara), "q=nurse")
    row = oews_row(snapshot_dir, "19740", "29-1141")  # Registered nurses, Denver-Aurora-Centennial, May 2025
    low, high = Decimal(row["H_PCT25"]), Decimal(row["H_PCT75"])
    posting = publish(
        acme,
        "Registered Nurse",
        role="registered-nurses",
        salary_min=float(low),
        salary_max=float(high),
        salary_period="hour",
    )
    alerts_send(frequency="daily")
    message = mail.outbox[0]
    assert message.to == ["cara@example.org"] and message.subject == "1 new job: “nurse”"
    url = f"https://rolescope.example.org{posting.get_absolute_url()}"
    verdict = (
        "Pay is within the 25th-75th percentile band for this role in Denver-Aurora-Centennial, CO "
        f"(${low:,.2f}-${high:,.2f} an hour, BLS OEWS May 2025)."
    )
    assert url in message.body and verdict in message.body and "Acme Robotics" in message.body
    rich, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{url}"' in rich and "within the 25th-75th percentile band" in rich
    parsed = message_from_bytes(message.message().as_bytes())
    unsubscribe = re.sub(r"\s+", "", parsed["List-Unsubscribe"])  # unfolded (RFC 5322)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https://rolescope\.example\.org/accounts/saved-searches/unsubscribe/[^/>]+/>", unsubscribe)
    assert unsubscribe[1:-1] in message.body and unsubscribe[1:-1] in rich
    # RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`, with no cookie and no CSRF token.
    path = unsubscribe[1:-1].removeprefix("https://rolescope.example.org")
    client = Client(enforce_csrf_checks=True)
    confirm = client.get(path)
    assert confirm.status_code == 200 and '<button type="submit">Unsubscribe</button>' in confirm.content.decode()
    assert SavedSearch.objects.get().frequency == "daily"  # a GET (a mail scanner) changes nothing
    done = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "no more emails for your saved search “nurse”." in done.content.decode()
    assert SavedSearch.objects.get().frequency == "off"
    assert client.post(path).status_code == 200  # twice is the same as once


def test_a_tampered_or_stale_unsubscribe_link_is_refused(cara):
    client = signed_in(cara)
    save(client, "q=nurse")
    saved = SavedSearch.objects.get()
    token = alerts.unsubscribe_token(saved_search_id=saved.pk)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, alerts.unsubscribe_token(saved_search_id=saved.pk).replace(":", "x", 1), str(saved.pk)):
        answer = Client().post(f"/accounts/saved-searches/unsubscribe/{bad}/")
        assert answer.status_code == 400
        assert "This unsubscribe link is damaged or was not made by this site." in answer.content.decode()
    # Signed for the feed, not for unsubscribing: refused.
    assert Client().post(f"/accounts/saved-searches/unsubscribe/{alerts.feed_token(saved.pk)}/").status_code == 400
    assert SavedSearch.objects.get().frequency == "daily"
    saved.delete()
    assert Client().post(f"/accounts/saved-searches/unsubscribe/{token}/").status_code == 404


def test_only_the_owner_changes_or_deletes_a_saved_search(cara):
    save(signed_in(cara), "q=nurse")
    saved = SavedSearch.objects.get()
    other = signed_in(candidate("otto"))
    assert other.post(f"/accounts/saved-searches/{saved.pk}/", {"name": "Mine", "frequency": "off"}).status_code == 404
    assert other.post(f"/accounts/saved-searches/{saved.pk}/delete/").status_code == 404
    assert "nurse" not in other.get("/accounts/saved-searches/").content.decode()
    assert Client().get("/accounts/saved-searches/")["Location"].startswith("/accounts/login/")
    owner = signed_in(cara)
    assert (
        owner.post(f"/accounts/saved-searches/{saved.pk}/", {"name": "Nurses", "frequency": "weekly"}).status_code
        == 302
    )
    assert "Give the search a name" in owner.get("/accounts/saved-searches/").content.decode()
    owner.post(f"/accounts/saved-searches/{saved.pk}/", {"name": "Nurses near me", "frequency": "instant"})
    saved.refresh_from_db()
    assert (saved.name, saved.frequency) == ("Nurses near me", "instant")
    assert owner.post(f"/accounts/saved-searches/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


def test_the_atom_feed_lists_the_search_at_an_unguessable_address(acme, cara):
    save(signed_in(cara), "location=Denver%2C+CO")
    saved = SavedSearch.objects.get()
    nurse = publish(
        acme, "Registered Nurse", role="registered-nurses", salary_min=40, salary_max=48, salary_period="hour"
    )
    publish(acme, "Civil Engineer", location="Austin, TX")
    page = signed_in(cara).get("/accounts/saved-searches/").content.decode()
    feed_path = re.search(r'href="(/accounts/saved-searches/feed/[^"]+/)"', page).group(1)
    answer = Client().get(feed_path)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)  # noqa: S314 (our own answer)
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id") is not None and feed.find(f"{ATOM}updated") is not None
    entries = feed.findall(f"{ATOM}entry")
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert links == {f"http://testserver/jobs/{pk}/registered-nurse/" for pk in shown_on_jobs_page(saved.query)}
    assert {nurse.pk} == shown_on_jobs_page(saved.query)
    summary = entries[0].find(f"{ATOM}summary").text
    assert "for this role in Denver-Aurora-Centennial, CO" in summary and "BLS OEWS May 2025" in summary
    for entry in entries:  # RFC 4287: each entry has an id, a title and an updated time
        assert all(entry.find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated"))
    assert Client().get(f"/accounts/saved-searches/feed/{saved.pk}/").status_code == 404
    assert Client().get(feed_path.replace(feed_path[-6:-1], "xxxxx")).status_code == 404


def test_candidates_open_to_work_get_a_digest_for_their_roles_and_place(acme, cara):
    client = signed_in(cara)
    profile = {"desired_roles": "Registered Nurses", "location": "Denver, CO", "open_to_work": "on", "job_alerts": "on"}
    assert client.post("/accounts/profile/", profile).status_code == 302
    assert Candidate.objects.get(user=cara).job_alerts
    nurse = publish(acme, "Registered Nurse", role="registered-nurses")
    elsewhere = publish(acme, "Registered Nurse", location="Austin, TX", role="registered-nurses")
    publish(acme, "Civil Engineer")
    assert alerts_send(frequency="instant").emails == 0  # the digest is daily
    report = alerts_send(frequency="daily")
    assert report.emails == 1 and report.postings_mailed == 1
    message = mail.outbox[0]
    assert message.subject == "1 new job: Registered Nurses in Denver, CO"
    assert nurse.get_absolute_url() in message.body and elsewhere.get_absolute_url() not in message.body
    assert shown_on_jobs_page("role=registered-nurses&location=Denver%2C+CO") == {nurse.pk}
    assert "You are open to work on rolescope" in message.body
    assert alerts_send(frequency="daily").emails == 0
    # One click in the email turns the digest off (the profile's checkbox too).
    unsubscribe = message.extra_headers["List-Unsubscribe"][1:-1].removeprefix(alerts.mail_origin())
    assert Client().post(unsubscribe).status_code == 200
    assert not Candidate.objects.get(user=cara).job_alerts
    publish(acme, "Registered Nurse, days", role="registered-nurses")
    assert alerts_send(frequency="daily").emails == 0
    client.post("/accounts/profile/", profile)
    publish(acme, "Registered Nurse, weekends", role="registered-nurses")
    assert alerts_send(frequency="daily").emails == 1


def test_candidates_who_opt_out_or_are_not_open_to_work_get_nothing(acme, cara):
    client = signed_in(cara)
    client.post(
        "/accounts/profile/", {"desired_roles": "Registered Nurses", "location": "Denver, CO", "open_to_work": "on"}
    )
    otto = candidate("otto")
    signed_in(otto).post(
        "/accounts/profile/", {"desired_roles": "Registered Nurses", "location": "Denver, CO", "job_alerts": "on"}
    )
    publish(acme, "Registered Nurse", role="registered-nurses")
    assert alerts_send(frequency="daily").emails == 0
    assert not Candidate.objects.get(user=cara).job_alerts and not Candidate.objects.get(user=otto).open_to_work


def test_instant_alerts_go_when_a_posting_is_published(acme, cara, django_capture_on_commit_callbacks):
    client = signed_in(cara)
    save(client, "q=nurse")
    SavedSearch.objects.update(frequency="instant")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nurse = publish(acme, "Registered Nurse")
        publish(acme, "Registered Nurse, nights")
    assert len(callbacks) == 1  # one run asked for, however many postings the transaction published
    assert len(mail.outbox) == 1 and nurse.get_absolute_url() in mail.outbox[0].body  # the worker ran it (inline here)
    assert "2 new jobs" in mail.outbox[0].subject


def test_the_command_and_the_schedules(acme, cara):
    save(signed_in(cara), "q=nurse")
    publish(acme, "Registered Nurse")
    from io import StringIO

    out = StringIO()
    call_command("send_job_alerts", "--frequency", "instant", stdout=out)
    assert out.getvalue().startswith("instant alerts: 0 emails") and not mail.outbox
    call_command("send_job_alerts", stdout=out)
    assert "daily alerts: 1 emails listing 1 postings" in out.getvalue() and len(mail.outbox) == 1
    jobs = {job.func: job for job in registered_recurring()}
    assert jobs["jobs.tasks.job_alerts_daily"].at is not None and jobs["jobs.tasks.job_alerts_instant"].minutes == 10
