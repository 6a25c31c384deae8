"""The job board's counts for the market figures (jobs.platform.count_open): the nation's and an area's, counted
together, are the postings open now and the candidates open to work counted one by one."""

import pytest
from django.db.models import Count

from jobs.models import Candidate, Posting
from jobs.platform import count_open

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
    busiest = (
        Posting.objects.live()
        .filter(role__isnull=False, area__isnull=False)
        .values("role__occupation_id", "area_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "role__occupation_id", "area_id")[:5]
    )
    assert busiest, "the snapshot's postings"
    for row in busiest:
        occupation, area = row["role__occupation_id"], row["area_id"]
        nation, local = count_open(occupation, area)
        assert nation == one_by_one(occupation, None)
        assert local == one_by_one(occupation, area)
        assert local[0] >= 1
        assert count_open(occupation, None) == (nation, nation)
