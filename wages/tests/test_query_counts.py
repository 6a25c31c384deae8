"""The wages and releases endpoints against their recorded query counts (wages/tests/query_counts.json)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "api-wages": ("/api/v1/wages", {"occupation": "15-1252", "area": "0041940"}),
    "api-wages-located": ("/api/v1/wages", {"occupation": "29-1141", "location": "Austin, TX"}),
    "api-releases": ("/api/v1/releases", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count(query_baseline, name):
    url, params = PAGES[name]
    query_baseline("wages", name, Client(), url, params)
