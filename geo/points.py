"""Where a resolved place is on the map, for distances ("programmes near you"): a city's coordinates (SimpleMaps),
a ZIP code's by its USPS preferred city, a county's by its most populous city, a metro area's by its principal
city (the first named in its OMB title). A state or a nonmetropolitan area has no one point: None."""

import re

from geo.models import Area, City
from geo.resolve import Place, place_key
from sources import versions

Point = tuple[float, float]  # (latitude, longitude) in degrees
_ZIP_LABEL = re.compile(r"^(.+), ([A-Z]{2}) \d{5}$")  # "Sunnyvale, CA 94086", as the resolver labels a ZIP code


@versions.memoized("place_points", maxsize=1)
def _points() -> tuple[dict[tuple[str, str], Point], dict[str, Point]]:
    """(city key, state) -> the most populous such city's point; "County, ST" -> its most populous city's."""
    cities: dict[tuple[str, str], Point] = {}
    counties: dict[str, Point] = {}
    rows = City.objects.order_by("-population").values_list(
        "name", "name_ascii", "state__abbr", "county__name", "latitude", "longitude"
    )
    for name, ascii_name, abbr, county, latitude, longitude in rows:
        point = (float(latitude), float(longitude))
        for key in (place_key(name), place_key(ascii_name)):
            cities.setdefault((key, abbr), point)
        counties.setdefault(f"{county}, {abbr}", point)
    return cities, counties


def place_point(place: Place) -> Point | None:
    """The point distances are measured from, or None (a state, a nonmetropolitan area, the nation)."""
    cities, counties = _points()
    label, area = place.label, place.area
    if area.kind == Area.Kind.METRO and label == area.name:
        # "San Francisco-Oakland-Fremont, CA": its principal city, San Francisco, CA
        names, _, states = label.rpartition(", ")
        return cities.get((place_key(names.split("-")[0]), states.split("-")[0]))
    if (match := _ZIP_LABEL.match(label)) is not None:
        return cities.get((place_key(match.group(1)), match.group(2)))
    name, _, abbr = label.rpartition(", ")
    return cities.get((place_key(name), abbr)) or counties.get(label)
