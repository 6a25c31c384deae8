"""Turn what a person types into an OEWS area: "Austin, TX", "seattle wa", "Saint Louis MO", "Ft. Collins",
"94086", "94086-1234", "King County, WA", "San Jose metro", "NYC", "Bay Area"...

One resolver serves the role page, the API, job search, the posting form and candidate profiles. It never raises
for bad input: a `Resolution` says what it found (`kind`): one place, several to choose from (`choices`, with a
`note` when it says why), or nothing (`suggestions`, ranked by similarity and population).

Places are compared on a normalised key (`geo.place_names.place_key`), looked up in the gazetteer
(`geo.gazetteer`). A name that is both a state and a major city ("New York", "Washington") offers both, the city's
metro area first: it is never silently the state.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from geo.gazetteer import Entry, Gazetteer, area_entry, autocomplete, gazetteer, national_area, suggest
from geo.models import NATIONAL, Area
from geo.place_names import (
    AP_STATES,
    AROUND,
    BLS_AREA_CODE,
    LEADING,
    MAX_LENGTH,
    NATIONAL_NAMES,
    NOT_PLACES,
    REGIONS,
    STATE_FIPS,
    TRAILING_ZIP,
    ZIP,
    county_base,
    place_key,
    within,
)
from lib.problems import ApiProblem

# What callers read from here, though it lives in the modules beside (the vocabulary, the gazetteer).
__all__ = [
    "AP_STATES",
    "MAX_LENGTH",
    "REGIONS",
    "Outcome",
    "Place",
    "Resolution",
    "autocomplete",
    "gazetteer",
    "national_area",
    "place_key",
    "place_or_problem",
    "resolve",
    "suggest",
]

MAJOR_CITY = 100_000  # a city this large shares its name with a state: offer both ("New York", "Washington")


class Outcome(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"  # several places match: `choices`
    UNKNOWN = "unknown"  # nothing matches: `suggestions`, maybe
    INVALID = "invalid"  # not something a place could be called (empty, too long)


@dataclass(frozen=True)
class Place:
    """A resolved place: what the person meant, and the OEWS area whose figures apply."""

    label: str
    area: Area
    query: str


@dataclass
class Resolution:
    query: str
    place: Place | None = None
    choices: list[str] = field(default_factory=list)  # ambiguous: pick one of these (each resolves)
    suggestions: list[str] = field(default_factory=list)  # unknown: did you mean
    error: str = ""
    note: str = ""  # why there are choices, when it needs saying
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
            lead = f"{self.note} " if self.note else ""
            return f"{lead}Several places match; write one of: {'; '.join(self.choices[:5])}."
        hint = f" Did you mean {' or '.join(self.suggestions[:3])}?" if self.suggestions else ""
        return (self.error or f"We don't know the place “{self.query}”.") + hint

    def problem(self, field: str = "location") -> ApiProblem:
        """The problem to answer with when this is not one place: ambiguous (300, with the choices), unknown (404,
        with suggestions) or invalid (422, naming `field`)."""
        if self.place is not None:
            raise ValueError(f"{self.query!r} resolves to a place")
        if self.choices:
            # 300 Multiple Choices: the name is valid, it just means several places; the body lists them.
            return ApiProblem(
                300,
                "Several places match",
                f"Several places match “{self.query}”; ask again with one of the choices.",
                choices=self.choices,
            )
        if self.kind == Outcome.UNKNOWN:
            return ApiProblem(404, "Unknown location", self.error, suggestions=self.suggestions)
        return ApiProblem(422, "Invalid location", self.error, errors=[{"field": field, "message": self.error}])

    def place_or_problem(self, field: str = "location") -> Place:
        """The place, or its problem raised."""
        if self.place is None:
            raise self.problem(field)
        return self.place


def _found(result: Resolution, entry: Entry, places: Gazetteer) -> Resolution:
    result.place = Place(label=entry.label, area=places.areas[entry.area], query=result.query)
    return result


def _choose(result: Resolution, entries: list[Entry], places: Gazetteer) -> Resolution:
    """One place, or a choice; places whose figures are one area's are one choice, the first named ("Kansas City":
    MO and KS are both the Kansas City metro area)."""
    by_area: dict[str, Entry] = {}
    for entry in entries:
        by_area.setdefault(entry.area, entry)
    unique = list(by_area.values())
    if len(unique) == 1:
        return _found(result, unique[0], places)
    result.choices = [entry.label for entry in unique[:10]]
    return result


def _split_state(key: str, places: Gazetteer) -> tuple[str, tuple[str, str, str] | None]:
    """(place part, state) when the key ends with a state's name or abbreviation ("seattle wa")."""
    words = key.split()
    for size in (3, 2, 1):
        if len(words) > size:
            state = places.states.get(" ".join(words[-size:]))
            if state is not None:
                return " ".join(words[:-size]), state
    return key, None


def _in_state(result: Resolution, place: str, state: tuple[str, str, str], places: Gazetteer) -> Resolution:
    """A city, county or metro area named within a state."""
    abbr = state[1]
    if (found := places.cities.get((place, abbr))) is not None:
        return _found(result, found, places)
    if (aliased := _aliased(place, places, abbr)) is not None:  # "Bay Area, CA", "Outer Banks NC"
        return _choose(result, aliased, places)
    if (found := places.counties.get((county_base(place), abbr))) is not None:
        return _found(result, found, places)
    metros = [area for title, states, area in places.metros if within(place, title) and abbr in states.split("-")]
    if len(metros) == 1:
        return _found(result, area_entry(metros[0]), places)
    if len(metros) > 1:
        return _choose(result, [area_entry(area) for area in metros], places)
    typed = result.query.rpartition(",")[0].strip() or " ".join(result.query.split()[: len(place.split())])
    elsewhere = [entry.label for entry in places.cities_by_name.get(place, [])[:2]]  # Astoria, NY: Astoria, OR
    also = f" There is {' and '.join(elsewhere)}." if elsewhere else ""
    result.error = f"We couldn't find “{typed}” in {state[2]}.{also}"
    # Suggestions stay in the state typed ("Brattleboro VT" is never Attleboro, MA): close names there, else the
    # state's own areas, each of which resolves.
    result.suggestions = suggest(place, 3, state=abbr) or _state_areas(state, places)
    return result


def _state_areas(state: tuple[str, str, str], places: Gazetteer) -> list[str]:
    """The state and its metro and nonmetropolitan areas, by name: somewhere to go when a town is not known."""
    inside = sorted(
        (area for area in places.areas.values() if area.is_substate and area.state_abbr == state[1]),
        key=lambda area: (area.kind != Area.Kind.NONMETRO, area.name),
    )
    return [state[2], *(area.name for area in inside)][:5]


def _aliased(key: str, places: Gazetteer, state: str = "") -> list[Entry] | None:
    """The places a short name or region names ("the Bay Area" as "bay area"); with a state, only those in it."""
    entries = places.aliases.get(key) or places.aliases.get(key.removeprefix("the "))
    if entries is None or not state:
        return entries
    inside = [entry for entry in entries if state in _entry_states(entry, places)]
    return inside or None


def _entry_states(entry: Entry, places: Gazetteer) -> set[str]:
    """The states a place is in: a city's or county's, or every state a metro area's title names."""
    area = places.areas[entry.area]
    named = entry.label.rpartition(", ")[2] if entry.label != area.name else area.name.rpartition(", ")[2]
    return {*named.split("-"), area.state_abbr}


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
    key = place_key(query)
    if key in NATIONAL_NAMES:
        return _found(result, Entry("United States", NATIONAL), places)
    if key in NOT_PLACES:
        result.error = (
            f"“{query}” is not a place: leave the place empty for national figures, or enter the city you work from."
        )
        return result
    found = _lookup(result, query, places)
    bare = key
    while (stripped := AROUND.sub("", bare).strip()) != bare:
        bare = stripped
    if found.kind == Outcome.UNKNOWN and bare and bare != key:
        # A region inside the words around it first ("Greater Bay Area" is the Bay Area, never Bay, AR)
        if (aliased := _aliased(LEADING.sub("", key), places)) is not None:
            return _choose(Resolution(query=query), aliased, places)
        # "Greater Seattle Area", "Boston MA area", "Seattle, WA, USA": the place inside the words around it.
        again = _lookup(Resolution(query=query), bare, places)
        if again.kind in (Outcome.FOUND, Outcome.AMBIGUOUS):
            return again
    return found


def _lookup(result: Resolution, query: str, places: Gazetteer) -> Resolution:
    if zip_match := ZIP.match(query) or TRAILING_ZIP.search(query):
        return _by_zip(result, zip_match.group(1), places)
    key = place_key(query)
    if not key:
        result.error = "We couldn't find a place in what was entered."
        return result
    # Each way of reading the text in turn; the first that applies answers, found or not.
    for reading in (_by_code, _by_alias_or_title, _by_city_comma_state, _by_state, _by_trailing_state, _by_name):
        if (answered := reading(result, query, key, places)) is not None:
            return answered
    return _by_metro(result, query, key, places)


def _by_zip(result: Resolution, zip_code: str, places: Gazetteer) -> Resolution:
    found = places.zips.get(zip_code)
    if found is None:
        result.error = f"We couldn't find ZIP code {zip_code}."
        return result
    return _found(result, found, places)


def _by_alias_or_title(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    if (aliased := _aliased(key, places)) is not None:
        return _choose(result, aliased, places)
    # "Sioux Falls, SD-MN", "West North Dakota nonmetropolitan area": an area's own title, as the site names it
    if (metro := places.metro_titles.get(key)) is not None:
        return _found(result, area_entry(metro), places)
    return None


def _by_code(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    """BLS's codes: an OEWS area code ("5400002", "M0041860"), or a state's 2-digit code ("54")."""
    code = match.group(1) if (match := BLS_AREA_CODE.match(key)) else ""
    if STATE_FIPS.match(key):
        code = f"{key}00000"
    if not code:
        return None
    if code not in places.areas or (code == NATIONAL and not match):
        result.error = f"We couldn't find the BLS area code {query}."
        return result
    area = places.areas[code]
    return _found(result, Entry(area.name, area.code), places)


def _by_city_comma_state(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    """ "City, State": the part after the last comma must be a state."""
    if "," not in query:
        return None
    place_part, _, state_part = query.rpartition(",")
    state = places.states.get(place_key(state_part))
    if state is None and place_key(state_part):
        result.error = f"We couldn't find a state called “{state_part.strip()}”."
        result.suggestions = suggest(query)
        return result
    if state is not None and place_key(place_part):
        return _in_state(result, place_key(place_part), state, places)
    return None


def _by_state(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    """A state's name or abbreviation; a state named like a major city ("New York") offers both."""
    if (state := places.states.get(key)) is None:
        return None
    state_area = places.areas.get(f"{state[0]}00000")
    if state_area is None:
        return None
    name_key = place_key(state[2])
    big = [entry for entry in places.cities_by_name.get(name_key, []) if entry.population >= MAJOR_CITY]
    if big and key == name_key:
        metro = places.areas[big[0].area]
        result.choices = [big[0].label, f"{state[2]} State"]
        result.note = f"“{query}” is both a city and a state: the {metro.name} area comes first."
        return result
    # "New York State": the label must name the state again, never the city
    label = f"{state[2]} State" if big else state_area.name
    return _found(result, Entry(label, state_area.code), places)


def _by_trailing_state(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    """ "seattle wa": a place followed by its state, without a comma."""
    place, state = _split_state(key, places)
    return _in_state(result, place, state, places) if state is not None else None


def _by_name(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution | None:
    """A city's name alone, or a county's with its county word ("King County")."""
    if (same_name := places.cities_by_name.get(key)) is not None:
        return _choose(result, same_name, places)
    if (counties := places.counties_by_name.get(county_base(key))) is not None and key != county_base(key):
        return _choose(result, counties, places)
    return None


def _by_metro(result: Resolution, query: str, key: str, places: Gazetteer) -> Resolution:
    """Words of a metro area's title ("San Jose metro"), else nothing known: suggestions."""
    metro_key = key.removesuffix(" metropolitan area").removesuffix(" metro area").removesuffix(" metro").strip()
    metros = [area for title, _, area in places.metros if within(metro_key, title)]
    exact = [area for area in metros if place_key(area.name) == metro_key]
    if len(exact) == 1 or len(metros) == 1:
        return _found(result, area_entry((exact or metros)[0]), places)
    if len(metros) > 1:
        return _choose(result, [area_entry(area) for area in metros], places)
    result.error = f"We couldn't find “{query}”."
    result.suggestions = suggest(query)
    return result


def place_or_problem(text: str, field: str = "location") -> Place:
    """The place `text` names, or the problem to answer with (`Resolution.problem`), raised."""
    return resolve(text).place_or_problem(field)
