"""Turn what a person types ("Austin, TX", "Austin, Texas", "94086", "San Jose metro") into an OEWS area."""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process, utils

from geo.models import Area, City, State, ZipCounty
from sources import versions

MAX_LENGTH = 100
ZIP = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True)
class Place:
    """A resolved place: what the person meant, and the OEWS area whose figures apply."""

    label: str
    area: Area
    query: str


class Outcome(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"  # several places match: `choices`
    UNKNOWN = "unknown"  # nothing matches: `suggestions`, maybe
    INVALID = "invalid"  # not something a place could be called (empty, too long)


@dataclass
class Resolution:
    query: str
    place: Place | None = None
    choices: list[str] = field(default_factory=list)  # ambiguous: pick one of these
    suggestions: list[str] = field(default_factory=list)  # unknown: did you mean
    error: str = ""
    invalid: bool = False  # the text is not something a place could be called

    @property
    def kind(self) -> Outcome:
        if self.place is not None:
            return Outcome.FOUND
        if self.choices:
            return Outcome.AMBIGUOUS
        return Outcome.INVALID if self.invalid else Outcome.UNKNOWN

    @property
    def message(self) -> str:
        """What to tell the person who typed it, when it did not resolve to one place."""
        if self.kind == Outcome.AMBIGUOUS:
            return f"Several places match; write one of: {'; '.join(self.choices[:5])}."
        hint = f" Did you mean {' or '.join(self.suggestions[:3])}?" if self.suggestions else ""
        return (self.error or f"We don't know the place “{self.query}”.") + hint


@dataclass
class _Gazetteer:
    """Everything resolution needs, in process memory (about 31,000 cities and 41,000 ZIP codes)."""

    areas: dict[str, Area]
    states: dict[str, tuple[str, str]]  # "ca" / "california" -> (fips, abbr)
    cities: dict[tuple[str, str], tuple[str, str]]  # (name, state abbr) -> (label, area code), most populous
    cities_by_name: dict[str, list[tuple[str, str]]]  # name -> [(label, area code)], most populous first
    zips: dict[str, tuple[str, str]]  # ZIP -> (label, area code) of the county with most addresses
    names: list[str]  # suggestions and autocomplete: larger cities, metro areas, states


@versions.memoized("gazetteer", maxsize=1)
def gazetteer() -> _Gazetteer:
    """The in-memory gazetteer, rebuilt when a new import has been loaded."""
    areas = {area.code: area for area in Area.objects.all()}
    states: dict[str, tuple[str, str]] = {}
    for fips, abbr, name in State.objects.values_list("fips", "abbr", "name"):
        states[abbr.lower()] = states[name.lower()] = (fips, abbr)
    cities: dict[tuple[str, str], tuple[str, str]] = {}
    by_name: dict[str, list[tuple[str, str]]] = {}
    names = []
    rows = City.objects.filter(county__oews_area__isnull=False).order_by("-population")
    for name, ascii_name, abbr, area_code, population in rows.values_list(
        "name", "name_ascii", "state__abbr", "county__oews_area_id", "population"
    ):
        label = f"{name}, {abbr}"
        for key in {name.lower(), ascii_name.lower()}:
            cities.setdefault((key, abbr), (label, area_code))
            by_name.setdefault(key, []).append((label, area_code))
        if population >= 5000:
            names.append(label)
    zips: dict[str, tuple[str, str]] = {}
    shares = ZipCounty.objects.filter(county__oews_area__isnull=False).order_by("zip", "-total_ratio")
    for zip_code, city, state, area_code in shares.values_list(
        "zip", "preferred_city", "preferred_state", "county__oews_area_id"
    ):
        zips.setdefault(zip_code, (f"{city.title()}, {state} {zip_code}", area_code))
    names += [area.name for area in areas.values() if area.kind == Area.Kind.METRO]
    names += sorted(State.objects.values_list("name", flat=True))
    return _Gazetteer(areas, states, cities, by_name, zips, list(dict.fromkeys(names)))


def suggest(text: str, limit: int = 5) -> list[str]:
    """The nearest known place names to a place we could not find."""
    names = gazetteer().names
    matches = process.extract(
        text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=70
    )
    return [names[index] for _, _, index in matches]


def autocomplete(prefix: str, limit: int = 8) -> list[str]:
    prefix = " ".join(prefix.split()).lower()[:MAX_LENGTH]
    if len(prefix) < 2:
        return []
    return [name for name in gazetteer().names if name.lower().startswith(prefix)][:limit]


def resolve(raw: str) -> Resolution:
    """Resolve free text to a place; never raises for bad input."""
    query = " ".join(raw.split())
    result = Resolution(query=query)
    if not query:
        # Only spaces or control characters: nothing a place could be called.
        result.invalid = not raw.strip(" \t\r\n")
        result.error = (
            "Enter a city and state (Austin, TX), a ZIP code or a metro area."
            if result.invalid
            else "We couldn't find a place in what was entered."
        )
        return result
    if len(query) > MAX_LENGTH:
        result.invalid = True
        result.error = f"That is too long for a place name (at most {MAX_LENGTH} characters)."
        return result

    places = gazetteer()
    if ZIP.match(query):
        found = places.zips.get(query[:5])
        if found:
            result.place = Place(label=found[0], area=places.areas[found[1]], query=query)
        else:
            result.error = f"We couldn't find ZIP code {query[:5]}."
        return result

    lowered = query.lower()
    city_part, _, state_part = lowered.rpartition(",")
    if city_part and state_part.strip():
        state = places.states.get(state_part.strip().rstrip("."))
        if state is None:
            result.error = f"We couldn't find a state called “{query.rpartition(',')[2].strip()}”."
            result.suggestions = suggest(query)
            return result
        found = places.cities.get((city_part.strip(), state[1]))
        if found:
            result.place = Place(label=found[0], area=places.areas[found[1]], query=query)
            return result
    else:
        state = places.states.get(lowered)
        if state is not None and f"{state[0]}00000" in places.areas:
            area = places.areas[f"{state[0]}00000"]
            result.place = Place(label=area.name, area=area, query=query)
            return result
        same_name = places.cities_by_name.get(lowered, [])
        if len(same_name) == 1:
            label, code = same_name[0]
            result.place = Place(label=label, area=places.areas[code], query=query)
            return result
        if len(same_name) > 1:
            result.choices = [label for label, _ in same_name[:10]]
            return result

    metro_text = lowered.removesuffix(" metro").removesuffix(" metropolitan area").strip()
    metros = [a for a in places.areas.values() if a.kind == Area.Kind.METRO and metro_text in a.name.lower()]
    exact = [a for a in metros if a.name.lower() == metro_text]
    if len(exact) == 1 or len(metros) == 1:
        area = (exact or metros)[0]
        result.place = Place(label=area.name, area=area, query=query)
        return result
    if len(metros) > 1:
        result.choices = [m.name for m in metros[:10]]
        return result
    result.error = f"We couldn't find “{query}”."
    result.suggestions = suggest(query)
    return result
