"""Every job-board page and list endpoint against its recorded query count (jobs/tests/query_counts.json)."""

import pytest
from django.test import Client

from accounts.testing import signed_in
from jobs.models import Posting

pytestmark = pytest.mark.django_db

PUBLIC = {
    "listing": ("/jobs/", None),
    "listing-expired": ("/jobs/", {"expired": "1"}),
    "listing-search": ("/jobs/", {"q": "product manager", "expired": "1", "location": "Washington, DC"}),
    "api-jobs": ("/api/v1/jobs", {"include_expired": "true"}),
    "api-jobs-search": ("/api/v1/jobs", {"include_expired": "true", "q": "product", "sort": "salary"}),
}


@pytest.mark.parametrize("name", PUBLIC)
def test_query_count(query_baseline, name):
    url, params = PUBLIC[name]
    query_baseline("jobs", name, Client(), url, params)


def test_query_count_of_a_posting_and_its_organisation(query_baseline):
    posting = Posting.objects.select_related("employer").filter(source__contains="USAJOBS").order_by("pk").first()
    assert posting is not None
    query_baseline("jobs", "posting", Client(), posting.get_absolute_url())
    query_baseline("jobs", "api-posting", Client(), f"/api/v1/jobs/{posting.pk}")
    query_baseline("jobs", "organisation", Client(), f"/jobs/employers/{posting.employer.slug}/")


def test_query_count_of_member_pages(query_baseline, personas):
    client = signed_in(personas.member)
    for name, url in {
        "manage": "/jobs/manage/",
        "new-posting": "/jobs/manage/new/",
        "organisation-edit": "/jobs/manage/organisation/",
        "candidate-profile": "/accounts/profile/",
    }.items():
        query_baseline("jobs", name, client, url)
