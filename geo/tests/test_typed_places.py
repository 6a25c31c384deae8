"""Places people type that once gave wrong answers (issue 19 item 8): regions, AP-style state abbreviations,
suggestions outside the state typed, the site's own area names and BLS's codes, choices that lead to one area.

Expected areas come from the loaded geography (SimpleMaps cities and their counties' OEWS areas, the OFLC area
names), never from the resolver: each case is checked against the place it must mean."""

import pytest

from geo.models import Area, City, County, State, ZipCounty
from geo.resolve import AP_STATES, REGIONS, Outcome, resolve

pytestmark = pytest.mark.django_db


def city_area(name, abbr):
    return City.objects.filter(name=name, state__abbr=abbr).order_by("-population").first().county.oews_area_id


def county_area(name, abbr):
    return County.objects.get(name=name, state__abbr=abbr).oews_area_id


@pytest.mark.parametrize(
    "text", ["the Bay Area", "The Bay Area", "Bay Area, CA", "bay area ca", "the SF Bay Area", "Greater Bay Area"]
)
def test_the_bay_area_is_its_metro_areas_never_bay_arkansas(text):
    result = resolve(text)
    assert result.kind == Outcome.AMBIGUOUS, result.message
    areas = {resolve(choice).place.area.code for choice in result.choices}
    assert areas == {city_area("San Francisco", "CA"), city_area("San Jose", "CA")}
    assert city_area("Bay", "AR") not in areas


@pytest.mark.parametrize(
    ("text", "city", "abbr"),
    [("Tulsa, Okla.", "Tulsa", "OK"), ("Raleigh, N.C.", "Raleigh", "NC"), ("Tallahassee Fla.", "Tallahassee", "FL"),
     ("Madison, Wis.", "Madison", "WI"), ("Charleston, W.Va.", "Charleston", "WV"), ("Reno, Nev.", "Reno", "NV")],
)  # fmt: skip
def test_ap_style_state_abbreviations_are_read(text, city, abbr):
    result = resolve(text)
    assert result.place is not None, result.message
    assert (result.place.label, result.place.area.code) == (f"{city}, {abbr}", city_area(city, abbr))


def test_an_ap_abbreviation_alone_is_the_state():
    florida = State.objects.get(abbr="FL")
    assert resolve("Fla.").place.area.code == f"{florida.fips}00000"
    assert set(AP_STATES.values()) <= set(State.objects.values_list("abbr", flat=True))


def test_suggestions_stay_in_the_state_typed():
    result = resolve("Attleboro VT")
    assert result.kind == Outcome.UNKNOWN and result.suggestions
    assert "Attleboro, MA" not in result.suggestions
    for suggestion in result.suggestions:
        place = resolve(suggestion).place
        assert place is not None and place.area.state_abbr == "VT", suggestion
    # a name known in another state is named in the message, not offered as if it were in the state typed
    tulsa = resolve("Tulsa, TX")
    assert "Tulsa, OK" in tulsa.error and tulsa.suggestions and all(s.endswith(", TX") for s in tulsa.suggestions)


@pytest.mark.parametrize(
    ("text", "city", "abbr", "county"),
    [
        ("Brattleboro VT", "Brattleboro", "VT", "Windham County"),  # a New England town
        ("Brattleboro", "Brattleboro", "VT", "Windham County"),  # no listed city has the name
        ("Astoria, NY", "Astoria", "NY", "Queens County"),  # a neighbourhood USPS delivers to by name
    ],
)
def test_towns_by_their_postal_name(text, city, abbr, county):
    """A town the city list lacks is found by the USPS preferred city name of its ZIP codes (HUD-USPS crosswalk),
    in the area of the county holding most of their addresses."""
    assert not City.objects.filter(name=city, state__abbr=abbr).exists()
    zips = ZipCounty.objects.filter(preferred_city=city.upper(), preferred_state=abbr)
    assert zips.exists() and zips.order_by("-total_ratio")[0].county.name == county
    result = resolve(text)
    assert result.place is not None, result.message
    expected = County.objects.get(name=county, state__abbr=abbr).oews_area_id
    assert (result.place.label, result.place.area.code) == (f"{city}, {abbr}", expected)


def test_a_postal_name_never_hides_a_listed_city():
    """ "Flushing" alone is still the listed cities of that name (MI, OH), not also Flushing, NY (Queens)."""
    flushing = resolve("Flushing")
    assert flushing.kind == Outcome.AMBIGUOUS and "Flushing, NY" not in flushing.choices
    queens = County.objects.get(name="Queens County", state__abbr="NY")
    assert resolve("Flushing, NY").place.area.code == queens.oews_area_id


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Outer Banks NC", [("Dare County", "NC"), ("Currituck County", "NC"), ("Hyde County", "NC")]),
        ("Outer Banks", [("Dare County", "NC"), ("Currituck County", "NC"), ("Hyde County", "NC")]),
        ("Lake Tahoe", [("South Lake Tahoe", "CA"), ("Placer County", "CA"), ("Incline Village", "NV"),
                        ("Douglas County", "NV")]),
    ],
)  # fmt: skip
def test_well_known_regions_offer_their_areas(text, places):
    result = resolve(text)
    assert result.kind == Outcome.AMBIGUOUS, result.message
    expected = {county_area(name, abbr) if "County" in name else city_area(name, abbr) for name, abbr in places}
    assert {resolve(choice).place.area.code for choice in result.choices} == expected


def test_every_region_names_places_that_are_loaded():
    for region, targets in REGIONS.items():
        assert resolve(region).kind in (Outcome.FOUND, Outcome.AMBIGUOUS), region
        for name, abbr in targets:
            found = resolve(f"{name}, {abbr}").place
            assert found is not None, (region, name)


def test_the_sites_own_area_names_are_places():
    # every metro and nonmetropolitan area by the name the site gives it (a state's name is read as before: "New
    # York" offers the city too, "District of Columbia" is Washington, DC's metro area)
    for area in Area.objects.filter(kind__in=(Area.Kind.METRO, Area.Kind.NONMETRO)):
        place = resolve(area.name).place
        assert place is not None and place.area == area, area.name
    assert resolve("West North Dakota nonmetropolitan area").place.area.name == "West North Dakota nonmetropolitan area"


def test_bls_area_and_state_codes_are_places():
    area = Area.objects.get(code="5400002")
    assert resolve("5400002").place.area == area
    assert resolve("M0041860").place.area.code == "0041860"
    west_virginia = State.objects.get(abbr="WV")
    assert resolve(west_virginia.fips).place.area.code == f"{west_virginia.fips}00000"
    assert resolve("9999999").kind == Outcome.UNKNOWN
    assert "BLS area code" in resolve("9999999").error


def test_choices_that_lead_to_one_area_are_merged():
    missouri, kansas = city_area("Kansas City", "MO"), city_area("Kansas City", "KS")
    assert missouri == kansas
    result = resolve("Kansas City")
    assert result.place is not None and result.place.area.code == missouri
    # different areas stay a choice
    assert resolve("Springfield").kind == Outcome.AMBIGUOUS
