"""Candidates' private profiles, and the market figures that use rolescope's own counts above the threshold."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation
from accounts.testing import PASSWORD, candidate, signed_in
from geo.models import Area
from jobs.models import Candidate, Posting
from market.difficulty import local_market, national_market
from roles.models import Role

pytestmark = pytest.mark.django_db


def open_to_work(client: Client, roles: str = "Back-End Developer", location: str = "Austin, TX"):
    return client.post("/accounts/profile/", {"desired_roles": roles, "location": location, "open_to_work": "on"})


def card(location: str | None = None) -> dict:
    params = {"location": location} if location else {}
    answer = Client().get("/api/v1/roles/back-end-developer", params)
    assert answer.status_code == 200
    return answer.json()


def test_the_profile_is_private_and_saved(client):
    user = candidate("cara")
    client = signed_in(user)
    assert open_to_work(client, "Back-End Developer, data scientists").status_code == 302
    saved = Candidate.objects.get(user=user)
    assert saved.open_to_work and saved.area_id == "0012420"
    assert sorted(r.title for r in saved.desired_roles.all()) == ["Back-End Developer", "Data Scientists"]
    page = client.get("/accounts/profile/").content.decode()
    assert "open to work" in page and "Data Scientists" in page
    other = signed_in(candidate("otto")).get("/accounts/profile/").content.decode()
    assert "Data Scientists" not in other and "cara" not in other
    assert Client().get("/accounts/profile/")["Location"].startswith("/accounts/login/")


def test_profile_errors_are_explained():
    client = signed_in(candidate("cara"))
    assert "Name at least one role" in client.post("/accounts/profile/", {"open_to_work": "on"}).content.decode()
    assert "No role matches" in open_to_work(client, "qqqq zzzz").content.decode()
    assert "At most five roles" in open_to_work(client, "a, b, c, d, e, f").content.decode()
    assert "Several places match" in open_to_work(client, location="Springfield").content.decode()
    assert not Candidate.objects.exists()


def test_switching_to_open_to_work_changes_the_roles_supply_count():
    page_before = Client().get("/roles/back-end-developer/").content.decode()
    assert card()["platform"]["open_to_work_candidates"] == 0
    assert 'data-count="candidates">0<' in page_before
    client = signed_in(candidate("cara"))
    open_to_work(client)
    assert card()["platform"]["open_to_work_candidates"] == 1
    assert card("Austin, TX")["local_platform"]["open_to_work_candidates"] == 1
    assert card("Denver, CO")["local_platform"]["open_to_work_candidates"] == 0
    assert 'data-count="candidates">1<' in Client().get("/roles/back-end-developer/").content.decode()
    client.post("/accounts/profile/", {"desired_roles": "Back-End Developer", "location": "Austin, TX"})
    assert card()["platform"]["open_to_work_candidates"] == 0
    # Below the threshold the figures stay the public estimates.
    assert card()["market"]["basis"] == "public"


def make_postings(role: Role, area: Area, count: int) -> None:
    employer = Organisation.objects.create(name="Market Test Co", slug="market-test-co")
    now = timezone.now()
    for number in range(count):
        Posting.objects.create(
            employer=employer,
            title=f"Engineer {number}",
            role=role,
            area=area,
            status=Posting.Status.PUBLISHED,
            posted_at=now,
            expires_at=now + timedelta(days=30),
        )
    # Past their date or closed: never counted.
    Posting.objects.create(
        employer=employer, title="Old", role=role, area=area, status="published", expires_at=now - timedelta(days=1)
    )
    Posting.objects.create(employer=employer, title="Closed", role=role, area=area, status="closed", expires_at=now)


def make_candidates(count: int, roles: str = "Back-End Developer", first: int = 0) -> None:
    for number in range(first, first + count):
        open_to_work(signed_in(candidate(f"seeker{number}")), roles)


def test_above_the_threshold_the_figures_are_rolescope_data(settings):
    settings.PLATFORM_MARKET_MINIMUM = 3
    role = Role.objects.get(slug="back-end-developer")
    austin = Area.objects.get(code="0012420")
    make_postings(role, austin, 3)
    make_candidates(2)
    public = card("Austin, TX")
    assert public["market"]["basis"] == "public" and public["local_market"]["basis"] == "public"
    assert public["local_platform"] == {
        "area": austin.name,
        "active_postings": 3,
        "open_to_work_candidates": 2,
        "threshold": 3,
        "used": False,
    }
    # The public figures are the ones market.difficulty computes from the source tables.
    national = national_market(role.occupation_id)
    assert public["market"]["job_openings"] == national.openings
    assert public["local_market"]["job_openings"] == local_market(national, austin).openings

    make_candidates(1, roles="back-end-developer", first=2)  # a slug works too; the third candidate
    mixed = card("Austin, TX")
    assert mixed["local_platform"]["used"] is True
    local = mixed["local_market"]
    assert local["basis"] == "rolescope"
    assert (local["job_openings"], local["candidate_supply"], local["new_entrants"]) == (3, 3, 0)
    assert local["difficulty"] == 50.0 and local["difficulty_label"] == "Less difficult to hire"
    assert any("rolescope postings open on" in source["source"] for source in local["sources"])
    assert mixed["market"]["basis"] == "rolescope"  # nationally, the same 3 and 3
    page = Client().get("/roles/back-end-developer/", {"location": "Austin, TX"}).content.decode()
    assert "Basis: <strong>rolescope data</strong>" in page
    # Denver has none of them: public estimates there.
    assert card("Denver, CO")["local_market"]["basis"] == "public"


def test_staff_see_candidates_only_in_aggregate_on_public_pages():
    make_candidates(1)
    User.objects.create_user("visitor", "v@example.org", PASSWORD)
    page = Client().get("/roles/back-end-developer/").content.decode()
    assert "seeker0" not in page and "seeker0@example.org" not in page
