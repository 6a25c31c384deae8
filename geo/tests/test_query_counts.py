"""The place endpoints against their recorded query counts (geo/tests/query_counts.json)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "api-areas": ("/api/v1/areas", None),
    "api-areas-search": ("/api/v1/areas", {"q": "san", "type": "metro"}),
    "api-resolve": ("/api/v1/locations/resolve", {"q": "Austin, TX"}),
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count(query_baseline, name):
    url, params = PAGES[name]
    query_baseline("geo", name, Client(), url, params)
