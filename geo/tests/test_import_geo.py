"""Geography import and the county -> OEWS area mapping."""

import csv
import gzip
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from geo.models import Cbsa, City, County, State, ZipCounty

pytestmark = pytest.mark.django_db


def test_counts_match_the_files(snapshot_dir):
    with gzip.open(snapshot_dir / "geo/uscities.csv.gz", "rt") as handle:
        cities = sum(1 for _ in handle) - 1
    assert City.objects.count() == cities == 31_254
    assert State.objects.count() == 52
    assert Cbsa.objects.filter(kind="metro").count() == 393
    assert Cbsa.objects.filter(kind="micro").count() == 542


def test_sunnyvale_maps_to_santa_clara_county_and_the_san_jose_metro():
    city = City.objects.select_related("county__oews_area").get(name="Sunnyvale", state__abbr="CA")
    assert city.county.fips == "06085"
    assert city.county.oews_area.code == "0041940"
    assert city.county.oews_area.name == "San Jose-Sunnyvale-Santa Clara, CA"


def test_juneau_maps_to_the_alaska_nonmetropolitan_area():
    city = City.objects.select_related("county__oews_area", "county__cbsa").get(name="Juneau", state__abbr="AK")
    assert city.county.cbsa.kind == "micro"  # Juneau is micropolitan, so no metro estimates
    assert city.county.oews_area.code == "0200006"
    assert city.county.oews_area.name == "Alaska nonmetropolitan area"


def oflc_rows(snapshot_dir):
    with gzip.open(snapshot_dir / "oews-areas/oflc_geography_2025_26.csv.gz", "rt", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_rural_counties_reach_their_nonmetropolitan_area(snapshot_dir):
    # Before, a county outside any metro in a state with several nonmetro areas got the statewide estimate.
    rows = {(r["StateAb"], r["CountyTownName"]): r["Area"].zfill(7) for r in oflc_rows(snapshot_dir)}
    county = County.objects.select_related("oews_area").get(state__abbr="MT", name="Park County")
    assert county.oews_area.code == rows[("MT", "Park County")] == "3000003"
    assert county.oews_area.name == "Southwest Montana nonmetropolitan area"
    assert County.objects.get(state__abbr="MT", name="Gallatin County").oews_area_id == "0014580"  # Bozeman, MT
    rural_alabama = County.objects.filter(state__abbr="AL", cbsa__isnull=True).select_related("oews_area")
    assert rural_alabama.count() > 20
    for county in rural_alabama:
        assert county.oews_area.code == rows[("AL", county.name)] and county.oews_area.kind == "nonmetro"


def test_every_county_joins_the_oews_area_list(snapshot_dir):
    # Joined by state and name ("St."/"Saint", accents, "city" for Virginia's independent cities); the four counties
    # the sources do not name take the one county of their state left over.
    assert not County.objects.filter(published_area_code="").exists()
    assert not County.objects.filter(oews_area__kind="state").exists()
    published = {(r["StateAb"], r["CountyTownName"]): r["Area"].zfill(7) for r in oflc_rows(snapshot_dir)}
    ours = {(c.state.abbr, c.name): c.published_area_code for c in County.objects.select_related("state")}
    assert all(published[key] == code for key, code in ours.items())


def test_every_county_has_an_area():
    assert not County.objects.filter(oews_area__isnull=True).exists()


def test_zip_spanning_counties_keeps_every_share(snapshot_dir):
    with gzip.open(snapshot_dir / "geo/ZIP_COUNTY_122024.csv.gz", "rt", encoding="utf-8-sig") as handle:
        lines = [line.split(",") for line in handle][1:]
    multi = next(row for row in lines if sum(1 for other in lines[:2000] if other[0] == row[0]) > 1)
    shares = ZipCounty.objects.filter(zip=multi[0]).order_by("-total_ratio")
    assert shares.count() == sum(1 for row in lines if row[0] == multi[0])
    assert shares[0].total_ratio == max(Decimal(row[7]) for row in lines if row[0] == multi[0])


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"no file matching uscities.csv\[.gz\]"):
        call_command("import_geo", str(tmp_path), verbosity=0)
    assert City.objects.count() == 31_254
