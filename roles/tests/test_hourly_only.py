"""Occupations BLS publishes hourly wages only for (actors, dancers, musicians, disc jockeys...), and those it
publishes annual wages only for (teachers, pilots): shown as published, labelled, on every surface, with the change
from the previous release taken from the median BLS does publish."""

import csv
import gzip
import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache

from roles.models import Role

pytestmark = pytest.mark.django_db
SNAPSHOT = settings.ROLESCOPE_SNAPSHOT_DIR


def national_rows(path, flag: str) -> dict[str, dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {
            row["OCC_CODE"]: row
            for row in csv.DictReader(handle)
            if row["AREA_TYPE"] == "1" and row[flag] == "TRUE" and row["O_GROUP"] == "detailed"
        }


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def hourly_only_roles():
    rows = national_rows(SNAPSHOT / "oews-2025/all_data_M_2025_cross_industry.csv.gz", "HOURLY")
    roles = dict(Role.objects.filter(is_curated=False, occupation_id__in=rows).values_list("occupation_id", "slug"))
    return [(roles[code], row) for code, row in sorted(rows.items()) if code in roles]


def test_every_hourly_only_occupation_is_shown_in_hourly_wages(client):
    previous = national_rows(SNAPSHOT / "oews-history/national_M2024_dl.csv.gz", "HOURLY")
    checked = hourly_only_roles()
    assert {row["OCC_TITLE"] for _, row in checked} >= {"Actors", "Dancers", "Disc Jockeys, Except Radio"}
    for slug, row in checked:
        page = text_of(client.get(f"/roles/{slug}/"))
        low, median, high = (Decimal(row[f"H_{key}"]) for key in ("PCT25", "MEDIAN", "PCT75"))
        assert f"Low ${low:,.2f} an hour Medium ${median:,.2f} an hour High ${high:,.2f} an hour" in page, slug
        assert "BLS publishes hourly wages only for this occupation" in page
        assert "Measure Hourly 10th percentile" in page  # no empty Annual column
        card = client.get(f"/api/v1/roles/{slug}").json()
        assert card["national"]["wage_unit"] == "hour"
        assert Decimal(str(card["national"]["medium"])) == median
        download = next(csv.DictReader(client.get(f"/roles/{slug}/figures.csv").content.decode().splitlines()))
        assert download["wage_unit_published"] == "hour"
        assert Decimal(download["hourly_median_usd_per_hour"]) == median
        assert download["annual_median_usd_per_year"] == ""
        before = previous.get(row["OCC_CODE"], {}).get("H_MEDIAN", "")
        if re.fullmatch(r"\d+(\.\d+)?", before):
            change = ((median - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))
            assert card["change_from_previous_year"]["unit"] == "hour"
            assert Decimal(str(card["change_from_previous_year"]["percent"])) == change
            assert f"National median hourly wage, May 2024 (${Decimal(before):,.2f})" in page
            assert Decimal(download["change_from_previous_release_percent"]) == change
            assert download["change_basis"] == "hourly median"


def test_actors_in_los_angeles_everywhere(client, snapshot_dir):
    with gzip.open(snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz", "rt", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["AREA"] == "31080" and r["OCC_CODE"] == "27-2011")
    median = Decimal(row["H_MEDIAN"])
    page = text_of(client.get("/roles/actors/", {"location": "Los Angeles, CA"}))
    local = page[page.index("Salary variance") :]
    assert f"Medium ${median:,.2f} an hour" in local
    card = client.get("/api/v1/roles/actors", {"location": "Los Angeles, CA"}).json()
    assert card["local"]["wage_unit"] == "hour" and Decimal(str(card["local"]["medium"])) == median
    rows = {
        r["section"]: r
        for r in csv.DictReader(
            client.get("/roles/actors/figures.csv", {"location": "Los Angeles, CA"}).content.decode().splitlines()
        )
    }
    assert Decimal(rows["local"]["hourly_median_usd_per_hour"]) == median
    cell = client.get("/api/v1/compare", {"roles": "actors", "locations": "Los Angeles, CA"}).json()["results"][0]
    assert cell["wage_unit"] == "hour" and Decimal(str(cell["medium"])) == median
    assert cell["annual_median"] is None and Decimal(str(cell["hourly_median"])) == median
    assert "BLS publishes hourly wages only" in cell["notes"][0]


def test_annual_only_occupations_show_no_hourly_column(client):
    rows = national_rows(SNAPSHOT / "oews-2025/all_data_M_2025_cross_industry.csv.gz", "ANNUAL")
    role = Role.objects.filter(is_curated=False, occupation_id__in=rows).order_by("occupation_id").first()
    row = rows[role.occupation_id]
    page = text_of(client.get(f"/roles/{role.slug}/"))
    assert f"Medium ${int(row['A_MEDIAN']):,} a year" in page
    assert "BLS publishes annual wages only for this occupation" in page
    assert "Measure Annual 10th percentile" in page
