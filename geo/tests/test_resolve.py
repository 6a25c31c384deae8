"""Place resolution: "City, ST", "City, State", ZIP codes, metro names, ambiguity and unknown places."""

import pytest
from django.db.models import Count

from geo.models import ZipCounty
from geo.resolve import autocomplete, resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "label", "area"),
    [
        ("Sunnyvale, CA", "Sunnyvale, CA", "0041940"),
        ("sunnyvale, california", "Sunnyvale, CA", "0041940"),
        ("  Austin ,  TX ", "Austin, TX", "0012420"),
        ("Juneau, AK", "Juneau, AK", "0200006"),
        ("94086", "Sunnyvale, CA 94086", "0041940"),
        ("94086-1234", "Sunnyvale, CA 94086", "0041940"),
        ("San Jose metro", "San Jose-Sunnyvale-Santa Clara, CA", "0041940"),
        ("Seattle-Tacoma-Bellevue, WA", "Seattle-Tacoma-Bellevue, WA", "0042660"),
        ("Alabama", "Alabama", "0100000"),
    ],
)
def test_places_resolve_to_their_oews_area(text, label, area):
    result = resolve(text)
    assert result.place is not None, result.error
    assert (result.place.label, result.place.area.code) == (label, area)


def test_zip_spanning_counties_goes_to_the_county_with_most_addresses():
    spanning = (
        ZipCounty.objects.values("zip")
        .annotate(areas=Count("county__oews_area", distinct=True))
        .filter(areas__gt=1)
        .order_by("zip")
        .first()
    )
    assert spanning is not None
    shares = ZipCounty.objects.filter(zip=spanning["zip"]).select_related("county").order_by("-total_ratio")
    assert resolve(spanning["zip"]).place.area.code == shares[0].county.oews_area_id


def test_ambiguous_names_offer_choices_by_population():
    result = resolve("Springfield")
    assert result.place is None
    assert result.choices[:3] == ["Springfield, MA", "Springfield, MO", "Springfield, IL"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Enter a city and state"),
        ("   ", "Enter a city and state"),
        ("a" * 101, "too long"),
        ("Springfield, Narnia", "We couldn't find a state called “Narnia”."),
        ("99999", "We couldn't find ZIP code 99999."),
        ("Zzyzxqv", "We couldn't find “Zzyzxqv”."),
        ("-c", "We couldn't find “-c”."),  # one letter is in many metro titles: it is none of them
        ("Remote", "“Remote” is not a place"),
    ],
)
def test_bad_input_is_explained(text, error):
    result = resolve(text)
    assert result.place is None and error in result.error


def test_suggestions_and_autocomplete():
    assert "Chicago, IL" in resolve("Chicgo, IL").suggestions
    assert autocomplete("sunny")[0] == "Sunnyvale, CA"
    assert autocomplete("s") == []


def test_a_city_that_is_also_a_state_is_never_silently_the_state():
    for text, metro in (("New York", "New York, NY"), ("washington", "Washington, DC")):
        result = resolve(text)
        assert result.place is None
        assert result.choices[0] == metro
        assert result.choices[1].endswith(" State")
        assert "both a city and a state" in result.note
        assert resolve(result.choices[1]).place.area.code.endswith("00000")  # each choice resolves


def test_unknown_places_get_suggestions_ranked_by_similarity_then_size():
    assert resolve("Seatle, WA").suggestions[0] == "Seattle, WA"
    assert resolve("Bozemen MT").suggestions[0] == "Bozeman, MT"
