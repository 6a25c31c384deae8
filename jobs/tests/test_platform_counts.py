"""The job board's counts for the market figures (jobs.platform.count_open): the nation's and an area's, counted
together, are the postings open now and the candidates open to work counted one by one."""

import pytest
from django.contrib.auth.models import User

from geo.models import Area
from jobs.models import Candidate, Posting
from jobs.platform import count_open, count_open_nation
from jobs.tests.test_candidates_market import make_postings
from roles.models import Role

pytestmark = pytest.mark.django_db


def one_by_one(occupation: str, area: str | None) -> tuple[int, int]:
    postings = [
        p for p in Posting.objects.live().select_related("role") if p.role and p.role.occupation_id == occupation
    ]
    candidates = {
        c.pk
        for c in Candidate.objects.filter(open_to_work=True).prefetch_related("desired_roles")
        if any(role.occupation_id == occupation for role in c.desired_roles.all()) and area in (None, c.area_id)
    }
    return len([p for p in postings if area in (None, p.area_id)]), len(candidates)


def test_the_nation_and_an_area_are_counted_together_as_one_by_one():
    role = Role.objects.get(slug="back-end-developer")
    austin, seattle = Area.objects.get(code="0012420"), Area.objects.get(code="0042660")
    make_postings(role, austin, 3)  # and one expired, one closed
    for number, area in enumerate([austin, austin, seattle, None]):
        user = User.objects.create_user(f"seeker{number}")
        candidate = Candidate.objects.create(user=user, open_to_work=True, area=area)
        candidate.desired_roles.add(role)
    candidate.desired_roles.add(Role.objects.get(slug="web-developers"))  # two roles: counted once
    occupation = role.occupation_id
    for area in (austin, seattle):
        nation, local = count_open(occupation, area.code)
        assert nation == one_by_one(occupation, None)
        assert local == one_by_one(occupation, area.code)
    assert count_open(occupation, austin.code) == ((3, 4), (3, 2))
    assert count_open(occupation, None) == ((3, 4), (3, 4))
    # every occupation's counts in the nation, read together, are the same counts
    web = Role.objects.get(slug="web-developers").occupation_id
    together = count_open_nation()
    assert together[occupation] == (3, 4)
    assert set(together) == {occupation, web}
    assert all(together[code] == one_by_one(code, None) for code in together)


def test_an_area_is_not_counted_where_nothing_is_open_anywhere(django_assert_num_queries):
    """An area holds no more than the nation: with nothing open for the occupation anywhere, an area's counts are
    the nation's zeros, read without a query of their own; once a posting opens (the platform version moves), the
    area's own count shows it."""
    from market.platform import platform_counts, platform_counts_with_nation
    from sources import versions

    role = Role.objects.get(slug="back-end-developer")
    austin, seattle = Area.objects.get(code="0012420"), Area.objects.get(code="0042660")
    occupation = role.occupation_id
    assert count_open(occupation, None) == ((0, 0), (0, 0))
    assert platform_counts(occupation).active_postings == 0  # the nation's count, kept
    with django_assert_num_queries(0):
        for area in (austin, seattle):
            nation, local = platform_counts_with_nation(occupation, area)
            assert (nation.active_postings, local.active_postings, local.open_candidates) == (0, 0, 0)
    make_postings(role, austin, 2)
    versions.bump("platform")
    nation, local = platform_counts_with_nation(occupation, austin)
    assert nation.active_postings == one_by_one(occupation, None)[0] == 2
    assert local.active_postings == one_by_one(occupation, austin.code)[0] == 2
    assert platform_counts_with_nation(occupation, seattle)[1].active_postings == 0  # counted: the nation has two
