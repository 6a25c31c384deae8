"""Every role page and list endpoint against its recorded query count (roles/tests/query_counts.json)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("/", None),
    "directory": ("/roles/", None),
    "directory-search": ("/roles/", {"q": "nurse"}),
    "directory-category": ("/roles/", {"category": "technical"}),
    "role-page": ("/roles/back-end-developer/", None),
    "role-page-located": ("/roles/back-end-developer/", {"location": "Austin, TX"}),
    "role-figures-csv": ("/roles/back-end-developer/figures.csv", {"location": "Austin, TX"}),
    "role-figures-json": ("/roles/back-end-developer/figures.json", {"location": "Austin, TX"}),
    "methodology": ("/methodology/", None),
    "about": ("/about/", None),
    "place-autocomplete": ("/autocomplete/places", {"q": "san"}),
    "role-autocomplete": ("/autocomplete/roles", {"q": "nurs"}),
    "api-roles": ("/api/v1/roles", None),
    "api-roles-search": ("/api/v1/roles", {"q": "nurse"}),
    "api-role-card": ("/api/v1/roles/back-end-developer", {"location": "Austin, TX"}),
    "api-compare": ("/api/v1/compare", {"roles": "registered-nurses,web-developers", "locations": "Austin, TX;94086"}),
    "api-occupation": ("/api/v1/occupations/15-1252", None),
    "compare-page": (
        "/compare/",
        {"role": ["registered-nurses", "web-developers"], "location": ["Austin, TX", "94086"]},
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count(query_baseline, name):
    url, params = PAGES[name]
    query_baseline("roles", name, Client(), url, params)
