"""GET /api/v1/roles, /roles/{slug}, /occupations/{code} and /compare."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_role_search_matches_the_site_search(client):
    body = client.get("/api/v1/roles", {"q": "sofware developer"}).json()
    first = body["results"][0]
    assert (first["slug"], first["title"], first["category"], first["soc_code"], first["url"]) == (
        "software-developers",
        "Software Developers",
        "Technical",
        "15-1252",
        "/roles/software-developers/",
    )
    page = client.get("/roles/", {"q": "sofware developer"}).content.decode()
    assert page.index("Software Developers") < page.index("Web Developers")


def test_role_list_by_category_is_paginated(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/roles", {"category": "technical", "page_size": 10}).json()
    assert body["count"] >= 19 and len(body["results"]) == 10 and body["next"]
    assert all(role["category"] == "Technical" for role in body["results"])
    unknown = client.get("/api/v1/roles", {"category": "wizards"})
    assert unknown.status_code == 404 and "technical" in unknown.json()["suggestions"]


def test_role_card_is_the_role_page(client):
    body = client.get("/api/v1/roles/back-end-developer", {"location": "Austin, TX"}).json()
    assert body["occupation"] == {"code": "15-1254", "title": "Web Developers"}
    assert body["location"]["area"]["code"] == "0012420" and body["location"]["label"] == "Austin, TX"
    page = client.get("/roles/back-end-developer/", {"location": "Austin, TX"}).content.decode()
    assert f"${int(body['local']['annual']['median']):,}" in page
    assert f"${int(body['national']['annual']['p75']):,}" in page
    assert f"{body['market']['candidate_supply']:,}" in page and f"{body['market']['job_openings']:,}" in page
    assert f"{body['change_from_previous_year']['percent']}%" in page
    assert (
        body["duties"][0] == "Develop server-side logic to ensure the functionality of web applications and services."
    )
    assert body["job_zone"]["name"] == "Job Zone Three: Medium Preparation Needed"
    assert any(t["hot"] for t in body["technology"])
    assert body["citations"][0].endswith("May 2025")


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/roles/no-such-role", {}, 404),
        ("/api/v1/roles/back-end-developer", {"location": "Springfield"}, 300),
        ("/api/v1/roles/back-end-developer", {"location": "Atlantis, ZZ"}, 404),
        ("/api/v1/roles/back-end-developer", {"location": ""}, 422),
        ("/api/v1/occupations/15-125", {}, 422),
        ("/api/v1/occupations/99-9998", {}, 404),
        ("/api/v1/locations/resolve", {"q": "Qwxyzzy"}, 404),
        ("/api/v1/locations/resolve", {"q": "x" * 150}, 422),
        ("/api/v1/compare", {"roles": ",".join(["software-developers"] * 11)}, 422),
        ("/api/v1/compare", {"roles": "software-developers", "locations": ";".join(["Austin, TX"] * 11)}, 422),
        ("/api/v1/compare", {"roles": "nope"}, 404),
        ("/api/v1/nowhere", {}, 404),
    ],
)
def test_failures_are_problem_documents(client, path, params, status):
    response = client.get(path, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"]


def test_occupation(client):
    body = client.get("/api/v1/occupations/15-1254").json()
    assert body["title"] == "Web Developers" and body["parent"]["code"] == "15-1250"
    assert body["onet"][0]["code"] == "15-1254.00" and body["onet"][0]["job_zone"] == 3
    assert [r["slug"] for r in body["roles"]] == ["back-end-developer", "web-developers"]


def test_compare_roles_and_places(client):
    body = client.get(
        "/api/v1/compare", {"roles": "software-developers,registered-nurses", "locations": "Austin, TX;94086"}
    ).json()
    cells = {(c["role"], c["area"]["code"]): c for c in body["results"]}
    assert set(cells) == {
        ("software-developers", "0012420"),
        ("software-developers", "0041940"),
        ("registered-nurses", "0012420"),
        ("registered-nurses", "0041940"),
    }
    sj = client.get("/api/v1/wages", {"occupation": "29-1141", "area": "0041940"}).json()
    assert cells[("registered-nurses", "0041940")]["annual_median"] == sj["annual"]["median"]
    national = client.get("/api/v1/compare", {"roles": "software-developers"}).json()["results"]
    assert national[0]["area"]["code"] == "0000000" and national[0]["annual_median"] == 135_980
