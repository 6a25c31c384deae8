"""GET /api/v1/locations/resolve and /api/v1/areas."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def test_resolve(client):
    body = client.get("/api/v1/locations/resolve", {"q": "Juneau, AK"}).json()
    assert body["area"]["code"] == "0200006" and body["label"] == "Juneau, AK"
    ambiguous = client.get("/api/v1/locations/resolve", {"q": "Springfield"}).json()
    assert ambiguous["area"] is None and "Springfield, IL" in ambiguous["choices"]


def test_areas_search_filter_and_pagination(client):
    body = client.get("/api/v1/areas", {"type": "metro", "page_size": 100}).json()
    assert body["count"] == 393 and len(body["results"]) == 100
    assert parse_qs(urlsplit(body["next"]).query) == {"type": ["metro"], "page": ["2"], "page_size": ["100"]}
    assert body["previous"] is None
    last = client.get("/api/v1/areas", {"type": "metro", "page_size": 100, "page": 4}).json()
    assert len(last["results"]) == 93 and last["next"] is None
    assert parse_qs(urlsplit(last["previous"]).query)["page"] == ["3"]
    found = client.get("/api/v1/areas", {"q": "San Jose"}).json()
    assert [a["code"] for a in found["results"]] == ["0041940"]
    assert client.get("/api/v1/areas", {"type": "galaxy"}).status_code == 422
    assert client.get("/api/v1/areas", {"page_size": 1000}).status_code == 422


def test_areas_query_count_does_not_grow_with_the_page(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/api/v1/areas", {"page_size": 100})
