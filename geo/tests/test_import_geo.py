"""Geography import and the county -> OEWS area mapping."""

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


def test_non_metro_county_in_a_state_with_several_nonmetro_areas_falls_back_to_the_state():
    # Alabama has four nonmetro areas and no county list to choose among them.
    county = County.objects.filter(state__abbr="AL", cbsa__isnull=True).select_related("oews_area").first()
    assert county is not None and county.oews_area.code == "0100000"


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
