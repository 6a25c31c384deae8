"""The places people type that once gave wrong answers (issue 19 item 8), on the role page, the role card API and
the CSV download: each answers the same (one area, or the same choices), checked against the loaded geography."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db.models import Sum

from geo.models import Area, City, County, ZipCounty

pytestmark = pytest.mark.django_db
PAGE = "/roles/registered-nurses/"
API = "/api/v1/roles/registered-nurses"
CSV = "/roles/registered-nurses/figures.csv"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def city_area(name, abbr):
    return City.objects.filter(name=name, state__abbr=abbr).order_by("-population").first().county.oews_area_id


def county_area(name, abbr):
    return County.objects.get(name=name, state__abbr=abbr).oews_area_id


def one_area(client, text: str) -> str:
    """The area the API, the CSV and the page all give for `text` (asserting they agree)."""
    body = client.get(API, {"location": text}).json()
    code = body["location"]["area"]["code"]
    label = body["location"]["label"]
    rows = list(csv.DictReader(io.StringIO(client.get(CSV, {"location": text}).content.decode())))
    local = [row for row in rows if row["section"] == "local"]
    assert local and local[0]["place"] == label
    page = client.get(PAGE, {"location": text}).content.decode()
    assert f"<strong>{Area.objects.get(code=code).name}</strong>" in page and f"<strong>{label}</strong>" in page
    return code


def choices(client, text: str) -> list[str]:
    """The choices the API and the CSV answer with (300), the page listing the same."""
    api = client.get(API, {"location": text})
    download = client.get(CSV, {"location": text})
    assert api.status_code == download.status_code == 300
    listed = api.json()["choices"]
    assert download.json()["choices"] == listed
    page = client.get(PAGE, {"location": text}).content.decode()
    assert "Several places match" in page and all(f">{choice}</a>" in page for choice in listed)
    return listed


def areas_of(client, labels: list[str]) -> set[str]:
    return {client.get(API, {"location": label}).json()["location"]["area"]["code"] for label in labels}


@pytest.mark.parametrize("text", ["the Bay Area", "Bay Area, CA"])
def test_the_bay_area(client, text):
    found = areas_of(client, choices(client, text))
    assert found == {city_area("San Francisco", "CA"), city_area("San Jose", "CA")}
    assert city_area("Bay", "AR") not in found


@pytest.mark.parametrize(("text", "city", "abbr"), [("Tulsa, Okla.", "Tulsa", "OK"), ("Raleigh N.C.", "Raleigh", "NC")])
def test_ap_style_abbreviations(client, text, city, abbr):
    assert one_area(client, text) == city_area(city, abbr)


def test_an_ap_abbreviation_alone(client):
    assert one_area(client, "Fla.") == "1200000"


def postal_town_area(city: str, abbr: str) -> str:
    """The area holding most of the addresses of the ZIP codes USPS names `city` (HUD-USPS crosswalk)."""
    zips = ZipCounty.objects.filter(preferred_city=city.upper(), preferred_state=abbr)
    shares = zips.values("county__oews_area_id").annotate(share=Sum("total_ratio")).order_by("-share")
    return str(shares[0]["county__oews_area_id"])


@pytest.mark.parametrize("text", ["Brattleboro VT", "Brattleboro, Vt.", "Brattleboro"])
def test_a_new_england_town(client, text):
    """Brattleboro is a town (a county subdivision), in no list of incorporated places: its postal name finds it."""
    assert not City.objects.filter(name="Brattleboro").exists()
    code = one_area(client, text)
    assert code == postal_town_area("Brattleboro", "VT") == county_area("Windham County", "VT")
    assert client.get(API, {"location": text}).json()["location"]["label"] == "Brattleboro, VT"


def test_a_listed_city_keeps_its_place(client):
    """A postal name the city list also has in that state is the list's city (its county, its coordinates)."""
    assert one_area(client, "West Brattleboro, VT") == city_area("West Brattleboro", "VT")


def test_suggestions_stay_in_the_state(client):
    body = client.get(API, {"location": "Attleboro VT"}).json()
    download = client.get(CSV, {"location": "Attleboro VT"})
    assert download.status_code == 404 and download.json()["suggestions"] == body["suggestions"]
    assert body["suggestions"] and "Attleboro, MA" not in body["suggestions"]
    assert {Area.objects.get(code=code).state_abbr for code in areas_of(client, body["suggestions"])} == {"VT"}
    page = client.get(PAGE, {"location": "Attleboro VT"}).content.decode()
    offered = re.search(r"<p>Did you mean:</p>\s*<ul>(.*?)</ul>", page, re.S)
    assert offered and "Attleboro" not in offered.group(1)


def test_regions(client):
    outer_banks = areas_of(client, choices(client, "Outer Banks NC"))
    assert outer_banks == {county_area("Dare County", "NC"), county_area("Currituck County", "NC")}
    tahoe = areas_of(client, choices(client, "Lake Tahoe"))
    assert tahoe == {city_area("South Lake Tahoe", "CA"), city_area("Incline Village", "NV"),
                     county_area("Douglas County", "NV")}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code"),
    [("West North Dakota nonmetropolitan area", "3800006"), ("5400002", "5400002"), ("54", "5400000")],
)
def test_area_names_and_bls_codes(client, text, code):
    assert one_area(client, text) == code
    if not text.isdigit():
        assert Area.objects.get(code=code).name == text


def test_kansas_city_is_one_area(client):
    assert one_area(client, "Kansas City") == city_area("Kansas City", "KS") == city_area("Kansas City", "MO")
