"""Employers post on the site: sign-up, organisation profile, write/publish/close/renew, Markdown, permissions."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Organisation, Profile
from accounts.testing import PASSWORD, candidate, member, signed_in
from jobs.models import Posting
from jobs.services.postings import postings_expire
from jobs.tests.conftest import POSTING, oews_row
from roles.search import suggest_role

pytestmark = pytest.mark.django_db


def post_job(client: Client, **changes: str) -> Posting:
    response = client.post("/jobs/manage/new/", {**POSTING, **changes, "publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Posting.objects.filter(source="").latest("id")


def test_employer_sign_up_creates_the_organisation_and_its_first_member(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "erin",
            "email": "erin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "kind": "employer",
            "organisation": "Initech",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    profile = User.objects.get(username="erin").profile
    assert profile.kind == "employer" and profile.employer.name == "Initech" and profile.employer.slug == "initech"
    client.get(re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1))
    assert "Post a job" in client.get("/jobs/manage/").content.decode()


def test_employer_sign_up_needs_the_organisation_name(client):
    data = {"username": "fay", "email": "fay@example.org", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/signup/", {**data, "kind": "employer"})
    assert response.status_code == 400 and "Name the organisation" in response.content.decode()
    assert not User.objects.filter(username="fay").exists()
    assert client.post("/accounts/signup/", data).status_code == 302  # no kind: a candidate
    assert User.objects.get(username="fay").profile.kind == Profile.Kind.CANDIDATE


def test_a_member_posts_a_job_that_search_finds_with_its_pay_comparison(acme, snapshot_dir):
    client = signed_in(acme)
    posting = post_job(client)
    hit = suggest_role(POSTING["title"])
    assert hit is not None and posting.role is not None and posting.role.slug == hit.slug
    assert posting.employer.name == "Acme Robotics" and posting.created_by == acme
    assert posting.status == "published" and posting.area_id == "0012420"  # Austin-Round Rock-San Marcos
    assert abs(posting.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert posting.annual_min == 90_000 and posting.annual_max == 100_000

    page = Client().get("/jobs/", {"q": "back-end", "location": "Austin, TX"}).content.decode()
    assert posting.get_absolute_url() in page and "1 posting open now" in page
    # The pay comparison against the Austin OEWS band for the role's occupation, from the source file.
    row = oews_row(snapshot_dir, "12420", posting.role.occupation_id)
    p25, p75 = int(row["A_PCT25"].replace(",", "")), int(row["A_PCT75"].replace(",", ""))
    midpoint = 95_000
    verdict = "below" if midpoint < p25 else "above" if midpoint > p75 else "within"
    assert f'class="pay-{verdict}"' in page
    assert f"${p25:,}" in page and f"${p75:,}" in page


def test_descriptions_are_markdown_rendered_safely(acme):
    posting = post_job(signed_in(acme))
    page = Client().get(posting.get_absolute_url()).content.decode()
    assert "<strong>robots</strong>" in page and "<li>Python</li>" in page
    assert "<script>alert" not in page and "javascript:alert" not in page
    assert '"@type": "JobPosting"' in page


def test_drafts_are_seen_only_by_their_organisation(acme, globex):
    client = signed_in(acme)
    response = client.post("/jobs/manage/new/", {**POSTING, "draft": "1"})
    assert response.status_code == 302
    draft = Posting.objects.get(employer__name="Acme Robotics", title=POSTING["title"])
    assert draft.status == "draft" and draft.posted_at is None
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert signed_in(globex).get(draft.get_absolute_url()).status_code == 404
    assert draft.get_absolute_url() not in Client().get("/jobs/", {"q": "back-end"}).content.decode()


def test_form_errors_are_explained_and_nothing_is_saved(acme):
    client = signed_in(acme)
    before = Posting.objects.count()
    cases = [
        ({"location": "Springfield"}, "Several places match"),
        ({"location": "Nowhereville, ZZ"}, "find a state called"),
        ({"location": "Austn, TX"}, "Did you mean Austin, TX"),
        ({"location": "Qqxzv, TX"}, "find “Qqxzv” in Texas"),
        ({"location": "", "arrangement": "onsite"}, "Say where the job is"),
        ({"salary_min": "120000", "salary_max": "90000"}, "below the lower end"),
        ({"salary_period": ""}, "per hour or per year"),
        ({"salary_period": "hour", "salary_min": "5000", "salary_max": "6000"}, "At most $1,000 an hour"),
        ({"apply_url": ""}, "Give a web address or an email address"),
        ({"apply_url": "javascript:alert(1)"}, "starting with https://"),
        ({"role": "zzzz qqqq"}, "No role matches"),
        ({"title": ""}, "This field is required"),
    ]
    for changes, message in cases:
        response = client.post("/jobs/manage/new/", {**POSTING, **changes, "publish": "1"})
        assert response.status_code == 400, changes
        assert message in response.content.decode(), (changes, message)
    assert Posting.objects.count() == before


def test_the_role_suggestion_can_be_changed(acme):
    client = signed_in(acme)
    posting = post_job(client)
    response = client.post(f"/jobs/manage/{posting.pk}/edit/", {**POSTING, "role": "Data Scientists"})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.role.title == "Data Scientists" and posting.status == "published"


def test_close_renew_and_publish_again(acme):
    client = signed_in(acme)
    posting = post_job(client)
    assert client.post(f"/jobs/manage/{posting.pk}/close/").status_code == 302
    posting.refresh_from_db()
    assert posting.status == "closed" and not Posting.objects.live().filter(pk=posting.pk).exists()
    Posting.objects.filter(pk=posting.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert client.post(f"/jobs/manage/{posting.pk}/renew/").status_code == 302
    posting.refresh_from_db()
    assert posting.status == "published"
    assert abs(posting.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert client.post(f"/jobs/manage/{posting.pk}/delete/").status_code == 404
    assert client.get(f"/jobs/manage/{posting.pk}/close/").status_code == 405


def test_expiry_command_is_idempotent(acme):
    posting = post_job(signed_in(acme))
    Posting.objects.filter(pk=posting.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("expire_postings", verbosity=0)
    posting.refresh_from_db()
    assert posting.status == "expired"
    assert postings_expire() == 0


def test_another_organisation_changes_nothing(acme, globex):
    posting = post_job(signed_in(acme))
    before = Posting.objects.values().get(pk=posting.pk)
    other = signed_in(globex)
    assert other.get(f"/jobs/manage/{posting.pk}/edit/").status_code == 404
    assert other.post(f"/jobs/manage/{posting.pk}/edit/", {**POSTING, "title": "Hijacked"}).status_code == 404
    for action in ("close", "renew", "publish"):
        assert other.post(f"/jobs/manage/{posting.pk}/{action}/").status_code == 404
    assert posting.get_absolute_url() not in other.get("/jobs/manage/").content.decode()
    assert Posting.objects.values().get(pk=posting.pk) == before


def test_candidates_and_visitors_cannot_post(acme):
    posting = post_job(signed_in(acme))
    seeker = signed_in(candidate("cara"))
    assert seeker.get("/jobs/manage/").status_code == 403
    assert seeker.get("/jobs/manage/new/").status_code == 403
    assert seeker.post("/jobs/manage/new/", {**POSTING, "publish": "1"}).status_code == 403
    assert seeker.post(f"/jobs/manage/{posting.pk}/close/").status_code == 404
    anonymous = Client()
    assert anonymous.get("/jobs/manage/new/")["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/jobs/manage/{posting.pk}/close/").status_code == 302
    posting.refresh_from_db()
    assert posting.status == "published"


def test_editors_moderate_every_posting(acme):
    posting = post_job(signed_in(acme))
    editor = User.objects.create_user("eddie", "eddie@example.org", PASSWORD)
    Profile.objects.create(user=editor, kind=Profile.Kind.EDITOR)
    client = signed_in(editor)
    assert "Acme Robotics" in client.get("/jobs/manage/").content.decode()
    assert client.post(f"/jobs/manage/{posting.pk}/close/").status_code == 302
    posting.refresh_from_db()
    assert posting.status == "closed"
    assert client.get("/jobs/manage/new/").status_code == 403  # editors post for no organisation


def test_organisation_profile_and_rename(acme):
    client = signed_in(acme)
    posting = post_job(client)
    response = client.post(
        "/jobs/manage/organisation/",
        {"name": "Acme Robots Inc", "website": "https://acme.example", "location": "Austin, TX", "description": "*Hi*"},
    )
    assert response.status_code == 302
    employer = Organisation.objects.get(pk=posting.employer_id)
    assert employer.name == "Acme Robots Inc"
    page = Client().get(employer.get_absolute_url()).content.decode()
    assert "<em>Hi</em>" in page and posting.get_absolute_url() in page
    # The new name is searchable at once.
    assert posting.get_absolute_url() in Client().get("/jobs/", {"q": "robots inc"}).content.decode()
    bad = client.post("/jobs/manage/organisation/", {"name": "X", "website": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert signed_in(member("zed", "Zed Co")).get("/jobs/manage/organisation/").status_code == 200  # their own


def test_full_text_search_stems_prefixes_and_reads_descriptions(acme):
    client = signed_in(acme)
    posting = post_job(client, title="Registered Nurse, night shift", description="Cardiology ward, **Level II**.")
    for words in ["nurse", "nurs", "nurses night", "cardiology", "acme robotics", "registered-nurse"]:
        page = Client().get("/jobs/", {"q": words}).content.decode()
        assert posting.get_absolute_url() in page, words
    for words in ["nurse plumber", "cardiologist surgeon"]:
        assert posting.get_absolute_url() not in Client().get("/jobs/", {"q": words}).content.decode(), words
    page = Client().get("/jobs/", {"q": "%%% ***"}).content.decode()
    assert "no words to look for" in page


def test_hourly_pay_is_annualised_for_the_minimum_pay_filter(acme):
    posting = post_job(
        signed_in(acme), salary_period="hour", salary_min="50", salary_max="60", title="Back-End Developer"
    )
    assert posting.salary_max == Decimal("60") and posting.annual_max == 124_800
    assert posting.get_absolute_url() in Client().get("/jobs/", {"min_salary": "120000"}).content.decode()
    assert posting.get_absolute_url() not in Client().get("/jobs/", {"min_salary": "130000"}).content.decode()


def invite(client: Client, email: str) -> str:
    """An organisation admin invites `email`; the link is shown once on the members page (and emailed)."""
    page = client.post("/accounts/organisation/", {"email": email}).content.decode()
    found = re.search(r'id="invite-link" type="text" readonly value="http://testserver([^"]+)"', page)
    assert found, "the members page shows the new invitation's link"
    return found.group(1)


def test_members_invite_colleagues_who_then_manage_the_same_postings(acme, globex):
    client = signed_in(acme)
    posting = post_job(client)
    colleague = candidate("cole")
    link = invite(client, colleague.email)
    other = signed_in(colleague)
    assert "Join Acme Robotics" in other.get(link).content.decode()
    assert other.post(link).status_code == 302
    colleague.refresh_from_db()
    assert colleague.profile.kind == "employer" and colleague.profile.employer == posting.employer
    assert other.post(f"/jobs/manage/{posting.pk}/close/").status_code == 302
    assert "cole" in client.get("/jobs/manage/organisation/").content.decode()
    # The link worked once; a member of another organisation cannot take one; a forged one is refused.
    again = signed_in(candidate("carl")).post(link)
    assert again.status_code == 400 and "has been used" in again.content.decode()
    gus = User.objects.get(username="gus")
    refused = signed_in(gus).post(invite(client, gus.email))
    assert refused.status_code == 400 and "already a member of another organisation" in refused.content.decode()
    assert User.objects.get(username="gus").profile.employer.name == "Globex"
    forged = signed_in(candidate("fred")).post(link[:-3] + "xx/")
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    assert Client().get(link)["Location"].startswith("/accounts/login/")


def test_invitations_expire(acme):
    client = signed_in(acme)
    late = candidate("late")
    link = invite(client, late.email)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))  # eight days later
    expired = signed_in(late).post(link)
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert User.objects.get(username="late").profile.kind == "candidate"
