"""GET /api/v1/compare: every figure /compare/ shows, up to 10 x 10, per-place choices, plain-language 422s."""

import csv
import io

import pytest
from django.core.cache import cache

from wages.tests.source import source_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_an_ambiguous_place_is_answered_in_its_own_entry(client):
    response = client.get(
        "/api/v1/compare", {"roles": "registered-nurses,15-1252.00", "locations": "Springfield;Austin, TX"}
    )
    assert response.status_code == 200
    body = response.json()
    springfield, austin = body["locations"]
    assert springfield["status"] == "ambiguous" and "Springfield, IL" in springfield["choices"]
    assert austin["status"] == "found" and austin["area"]["code"] == "0012420"
    cells = {(c["role"], c["area"]["code"]): c for c in body["results"]}
    assert set(cells) == {("registered-nurses", "0012420"), ("software-developers", "0012420")}
    source = source_rows()[("29-1141", "0012420")]
    nurse = cells[("registered-nurses", "0012420")]
    assert (nurse["p10"], nurse["medium"], nurse["p90"], nurse["mean"]) == tuple(
        float(source[k]) for k in ("A_PCT10", "A_MEDIAN", "A_PCT90", "A_MEAN")
    )
    assert nurse["employment"] == int(source["TOT_EMP"])
    national = int(source_rows()[("29-1141", "0000000")]["A_MEDIAN"])
    assert nurse["difference_from_national_percent"] == pytest.approx(
        (int(source["A_MEDIAN"]) / national - 1) * 100, abs=0.051
    )
    assert 0 <= nurse["hiring_difficulty"] <= 100 and nurse["hiring_difficulty_label"]


def test_the_api_and_the_page_download_agree(client):
    body = client.get("/api/v1/compare", {"roles": "registered-nurses,actors", "locations": "94086", "unit": "hourly"})
    page = client.get(
        "/compare/", {"role": ["registered-nurses", "actors"], "location": "94086", "unit": "hourly", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(page.content.decode())))
    for cell, row in zip(body.json()["results"], rows, strict=True):
        assert cell["wage_unit"] == "hour" and row["wage_unit"] == "usd_per_hour"
        assert (cell["medium"], cell["area"]["code"]) == (float(row["median"]), row["area_code"])


def test_ten_by_ten_and_plain_language_limits(client):
    roles = [
        "registered-nurses",
        "software-developers",
        "web-developers",
        "actors",
        "15-1211",
        "11-1021",
        "29-1171",
        "13-2011",
        "15-1254",
        "15-1299.08",
    ]
    places = [
        "Austin, TX",
        "94086",
        "Seattle, WA",
        "Chicago, IL",
        "Denver, CO",
        "Boston, MA",
        "Miami, FL",
        "Ohio",
        "Texas",
        "Atlanta, GA",
    ]
    response = client.get("/api/v1/compare", {"roles": ",".join(roles), "locations": ";".join(places)})
    assert response.status_code == 200
    body = response.json()
    assert all(place["status"] == "found" for place in body["locations"])
    assert len(body["results"]) == len({c["role"] for c in body["results"]}) * 10
    too_many = client.get("/api/v1/compare", {"roles": ",".join([*roles, "actors-extra"])})
    assert too_many.status_code == 422
    assert too_many.json()["detail"] == (
        "Compare at most 10 roles at once; 11 were given. Split them into several calls."
    )
    assert "^" not in client.get("/api/v1/compare", {"roles": "a" * 1400}).json()["detail"]


def test_occupation_list_is_the_soc_hierarchy_with_onet_codes(client):
    body = client.get("/api/v1/occupations", {"group": "15"}).json()
    rows = {row["code"]: row for row in body["results"]}
    assert body["count"] == len(rows) and rows["15-0000"]["level"] == "major"
    assert rows["15-1252"]["parent"] == "15-1250" and "15-1252.00" in rows["15-1252"]["onet_codes"]
    assert all(code.startswith("15-") for code in rows)
    detailed = client.get("/api/v1/occupations", {"level": "detailed"}).json()["results"]
    assert {row["level"] for row in detailed} == {"detailed"}
    published = {r["OCC_CODE"] for r in source_rows().values()}  # every code BLS publishes is in the hierarchy
    assert published <= {row["code"] for row in client.get("/api/v1/occupations").json()["results"]}
    text = client.get("/api/v1/occupations", {"group": "29-11"}, headers={"Accept": "text/csv"}).content.decode()
    assert text.startswith("code,title,level,parent,onet_codes\n") and "29-1141,Registered Nurses,detailed" in text


def test_the_api_has_an_index_and_the_site_links_to_its_docs(client):
    body = client.get("/api/v1/").json()
    assert body["docs"].endswith("/api/v1/docs") and body["releases"].endswith("/api/v1/releases")
    assert client.get(body["docs"].removeprefix("http://testserver")).status_code == 200
    for path in ("/", "/about/"):
        assert 'href="/api/v1/docs"' in client.get(path).content.decode(), path


def test_hiring_difficulty_is_the_role_pages(client):
    """local_markets (one query for every cell) gives what local_market gives the role card, place by place."""
    body = client.get("/api/v1/compare", {"roles": "registered-nurses,web-developers", "locations": "Austin, TX;Ohio"})
    for cell in body.json()["results"]:
        card = client.get(f"/api/v1/roles/{cell['role']}", {"location": cell["location"]}).json()
        assert cell["hiring_difficulty"] == card["local_market"]["difficulty"]
        assert cell["difference_from_national_percent"] == card["local_difference_percent"]


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/compare", {"roles": ",,,"}, 422),
        ("/api/v1/compare", {"roles": "registered-nurses", "unit": "weekly"}, 422),
        ("/api/v1/compare", {"roles": "registered-nurses", "locations": "Qwxyzzy"}, 200),
        ("/api/v1/releases/1200/download", {}, 422),
        ("/api/v1/wages", {"group": "1x"}, 422),
        ("/compare/", {"role": "registered-nurses", "release": "soon", "format": "xlsx"}, 200),
        ("/compare/", {"role": "no-such-role", "format": "csv"}, 200),
    ],
)
def test_bad_input_is_answered_plainly(client, path, params, status):
    assert client.get(path, params).status_code == status


def test_a_list_of_only_spaces_is_refused_by_the_schema_or_means_the_nation(client):
    """`roles` of spaces only (U+0085 is one to Python) breaks the schema's pattern, so a schema-valid request is
    never refused; `locations` of spaces and separators only is the nation, as an empty one is."""
    refused = client.get("/api/v1/compare", {"roles": "\x85 ,\u3000"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "roles", "message": "must contain a letter or digit (and no NUL character)"}
    ]
    national = client.get("/api/v1/compare", {"roles": "registered-nurses", "locations": " ;\x85|"}).json()
    plain = client.get("/api/v1/compare", {"roles": "registered-nurses"}).json()
    assert national["results"] == plain["results"] and national["locations"] == plain["locations"]
