"""/compare/: roles x places on one page, its permalink, its downloads; values equal to the OEWS source file."""

import csv
import io

import pytest
from django.core.cache import cache as django_cache
from openpyxl import load_workbook

from wages.tests.source import source_rows

pytestmark = pytest.mark.django_db

FIVE_ROLES = ["software-developers", "registered-nurses", "web-developers", "15-1211", "29-1141.00"]
FIVE_PLACES = ["Austin, TX", "94086", "Seattle, WA", "Chicago, IL", "Denver, CO"]


@pytest.fixture(autouse=True)
def fresh_cache():
    django_cache.clear()


def test_the_page_is_linked_from_home_directory_and_role_pages(client):
    for path in ("/", "/roles/", "/roles/registered-nurses/"):
        assert 'href="/compare/' in client.get(path).content.decode(), path


def test_empty_page_offers_the_form(client):
    response = client.get("/compare/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('name="role"') == 5 and body.count('name="location"') == 5
    assert 'for="role-1"' in body and 'for="location-5"' in body


def test_five_roles_by_five_places_equal_the_source(client):
    params = [("role", r) for r in FIVE_ROLES] + [("location", p) for p in FIVE_PLACES]
    response = client.get("/compare/", params)
    assert response.status_code == 200
    body = response.content.decode()
    rows = source_rows()
    austin_nurses = rows[("29-1141", "0012420")]
    assert f"${int(austin_nurses['A_MEDIAN']):,}" in body and f"${int(austin_nurses['A_PCT90']):,}" in body
    assert "<svg" in body and 'role="img"' in body and "<desc" in body
    # 15-1211 and 29-1141.00 name roles by their codes; the registered nurses are named twice, shown once
    assert body.count('<th scope="row"') == 4 * 5


def test_csv_download_is_what_the_page_shows(client):
    params = [("role", "registered-nurses"), ("role", "software-developers"), ("location", "Austin, TX")]
    params += [("location", "94086"), ("format", "csv")]
    response = client.get("/compare/", params)
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["role_slug"], r["area_code"]) for r in table] == [
        ("registered-nurses", "0012420"),
        ("registered-nurses", "0041940"),
        ("software-developers", "0012420"),
        ("software-developers", "0041940"),
    ]
    rows = source_rows()
    for row in table:
        source = rows[(row["occupation_code"], row["area_code"])]
        assert row["wage_unit"] == "usd_per_year"
        assert (row["p10"], row["p25"], row["median"]) == (source["A_PCT10"], source["A_PCT25"], source["A_MEDIAN"])
        assert (row["p75"], row["p90"], row["mean"]) == (source["A_PCT75"], source["A_PCT90"], source["A_MEAN"])
        assert row["employment"] == source["TOT_EMP"]
        assert row["release"] == "May 2025" and "Occupational Employment and Wage Statistics" in row["sources"]
    national = rows[("29-1141", "0000000")]
    expected = round((int(rows[("29-1141", "0012420")]["A_MEDIAN"]) / int(national["A_MEDIAN"]) - 1) * 100, 1)
    assert float(table[0]["median_vs_national_percent"]) == pytest.approx(expected, abs=0.051)


def test_hourly_toggle_and_the_published_unit(client):
    table = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/compare/", {"role": ["registered-nurses", "actors"], "unit": "hourly", "format": "csv"}
                ).content.decode()
            )
        )
    )
    rows = source_rows()
    nurses, actors = table
    assert nurses["wage_unit"] == "usd_per_hour" and nurses["median"] == rows[("29-1141", "0000000")]["H_MEDIAN"]
    assert actors["wage_unit"] == "usd_per_hour"  # BLS publishes actors' wages hourly only
    annual = client.get("/compare/", {"role": "actors", "unit": "annual", "format": "csv"}).content.decode()
    assert "usd_per_hour" in annual and "BLS publishes hourly wages only" in annual


def test_xlsx_download_has_the_table_the_units_and_the_citations(client):
    response = client.get("/compare/", {"role": ["registered-nurses"], "location": ["Austin, TX"], "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header, first = list(book["Comparison"].iter_rows(values_only=True))[:2]
    row = dict(zip(header, first, strict=True))
    source = source_rows()[("29-1141", "0012420")]
    assert row["median"] == int(source["A_MEDIAN"]) and row["wage_unit"] == "usd_per_year"
    sources = {r[0]: r[1] for r in book["Sources"].iter_rows(values_only=True)}
    assert sources["Release"] == "May 2025" and "/compare/?role=registered-nurses" in sources["Page"]


def test_an_ambiguous_place_asks_in_its_own_column_and_the_rest_is_answered(client):
    body = client.get("/compare/", {"role": "registered-nurses", "location": ["Springfield", "Austin, TX"]})
    text = body.content.decode()
    assert "Several places match" in text and "Springfield, IL" in text
    assert "?role=registered-nurses&amp;location=Springfield%2C+IL&amp;location=Austin%2C+TX" in text
    assert f"${int(source_rows()[('29-1141', '0012420')]['A_MEDIAN']):,}" in text


def test_unknown_role_and_too_many_are_said_plainly(client):
    text = client.get("/compare/", {"role": ["no-such-role", "registered-nurses", *FIVE_ROLES]}).content.decode()
    assert "There is no role “no-such-role”" in text
    assert "at most 5 roles" in text
