"""GET /api/v1/wages and /api/v1/releases, checked against the BLS file."""

import csv
import gzip

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def source_row(snapshot_dir, area, occupation):
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["AREA"] == area and r["OCC_CODE"] == occupation)


def test_wages_for_a_metro_match_the_source_file(client, snapshot_dir):
    body = client.get("/api/v1/wages", {"occupation": "15-1252", "area": "0041940"}).json()
    row = source_row(snapshot_dir, "41940", "15-1252")
    assert body["area"] == {
        "code": "0041940",
        "name": "San Jose-Sunnyvale-Santa Clara, CA",
        "kind": "metro",
        "state": "CA",
    }
    assert body["employment"] == int(row["TOT_EMP"])
    assert body["annual"]["median"] == int(row["A_MEDIAN"]) and body["annual"]["p25"] == int(row["A_PCT25"])
    assert body["hourly"]["mean"] == float(row["H_MEAN"])
    assert body["employment_rse"] == float(row["EMP_PRSE"]) and body["mean_rse"] == float(row["MEAN_PRSE"])
    assert body["jobs_per_1000"] == float(row["JOBS_1000"]) and body["location_quotient"] == float(row["LOC_QUOTIENT"])
    assert body["release"]["name"] == "May 2025" and body["release"]["published"] == "2026-05-15"


def test_location_gives_the_same_estimate_as_its_area(client):
    by_area = client.get("/api/v1/wages", {"occupation": "15-1252", "area": "0041940"}).json()
    by_place = client.get("/api/v1/wages", {"occupation": "15-1252", "location": "Sunnyvale, CA"}).json()
    assert by_area == by_place


def test_national_default_and_earlier_release(client):
    body = client.get("/api/v1/wages", {"occupation": "15-1252", "release": 2024}).json()
    assert body["area"]["code"] == "0000000" and body["annual"]["median"] == 133_080


def test_special_values_are_symbols_with_their_meaning(client, snapshot_dir):
    row = source_row(snapshot_dir, "1", "29-1022")
    body = client.get("/api/v1/wages", {"occupation": "29-1022", "area": "0100000"}).json()
    assert row["A_MEDIAN"] == "#" and body["annual"]["median"] is None
    assert body["special"]["annual_median"] == "#"
    assert "239,200" in body["special_meanings"]["#"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"occupation": "15-12"}, 422, "occupation"),
        ({"occupation": "15-1252", "area": "0041940x"}, 422, "area"),
        ({"occupation": "15-1252", "location": "   "}, 422, "location"),
        ({"occupation": "15-1252", "release": "soon"}, 422, "release"),
        ({"limit": 5000}, 422, "limit"),  # without an occupation: the list (wages.bulk)
    ],
)
def test_invalid_requests_name_the_field(client, params, status, field):
    response = client.get("/api/v1/wages", params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert field in [error["field"] for error in body["errors"]]


@pytest.mark.parametrize(
    ("params", "title"),
    [
        ({"occupation": "99-9998"}, "Unknown occupation"),
        ({"occupation": "15-1252", "area": "9999999"}, "Unknown area"),
        ({"occupation": "15-1252", "location": "Qwxyzzy, TX"}, "Unknown location"),
        ({"occupation": "15-1252", "release": 1999}, "Unknown release"),
    ],
)
def test_unknown_values_are_404_with_suggestions(client, params, title):
    response = client.get("/api/v1/wages", params)
    assert response.status_code == 404
    body = response.json()
    assert body["title"] == title and "suggestions" in body


def test_ambiguous_location_lists_the_choices(client):
    response = client.get("/api/v1/wages", {"occupation": "15-1252", "location": "Springfield"})
    assert response.status_code == 300 and response["Content-Type"] == "application/problem+json"
    assert {"Springfield, IL", "Springfield, MO"} <= set(response.json()["choices"])


def test_area_and_location_must_agree(client):
    agree = client.get("/api/v1/wages", {"occupation": "15-1252", "area": "0041940", "location": "94086"})
    assert agree.status_code == 200 and agree.json()["area"]["code"] == "0041940"
    disagree = client.get("/api/v1/wages", {"occupation": "15-1252", "area": "0041940", "location": "Austin, TX"})
    assert disagree.status_code == 409
    assert "is in Austin-Round Rock-San Marcos, TX (0012420), not area 0041940" in disagree.json()["detail"]


def test_etag_and_304(client):
    first = client.get("/api/v1/wages", {"occupation": "15-1252"})
    assert first.status_code == 200 and first["ETag"] and "max-age=300" in first["Cache-Control"]
    again = client.get("/api/v1/wages", {"occupation": "15-1252"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_releases_with_provenance(client):
    body = client.get("/api/v1/releases").json()
    assert [r["name"] for r in body["oews"]] == ["May 2025", "May 2024", "May 2023", "May 2022"]
    sources = {i["source"] for i in body["imports"]}
    assert {"oews", "onet", "projections", "geo", "cps", "cip_soc", "ipeds"} <= sources
    onet = next(i for i in body["imports"] if i["source"] == "onet")
    assert onet["release"] == "O*NET 30.1" and "/" not in onet["file_name"]
