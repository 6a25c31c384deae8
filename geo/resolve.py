"""Turn what a person types into an OEWS area: "Austin, TX", "seattle wa", "Saint Louis MO", "Ft. Collins",
"94086", "94086-1234", "King County, WA", "San Jose metro", "NYC", "Bay Area"...

One resolver serves the role page, the API, job search, the posting form and candidate profiles. It never raises
for bad input: a `Resolution` says what it found (`kind`): one place, several to choose from (`choices`, with a
`note` when it says why), or nothing (`suggestions`, ranked by similarity and population).

Matching is on a normalised key: accents dropped, case and punctuation ignored, and Saint/St./St, Fort/Ft.,
Mount/Mt. written one way, so "ST. LOUIS, mo" and "Saint Louis MO" are the same. A name that is both a state and a
major city ("New York", "Washington") offers both, the city's metro area first: it is never silently the state.
Short names people use for places (NYC, DC, Bay Area...) are listed in ALIASES and in docs/places.md.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from rapidfuzz import fuzz, process, utils

from geo.models import NATIONAL, Area, City, County, State, ZipCounty
from lib.problems import ApiProblem
from sources import versions

MAX_LENGTH = 100
ZIP = re.compile(r"^(\d{5})(-\d{4})?$")
TRAILING_ZIP = re.compile(r"[\s,](\d{5})(-\d{4})?$")  # "Sunnyvale, CA 94086": the ZIP decides
MAJOR_CITY = 100_000  # a city this large shares its name with a state: offer both ("New York", "Washington")

# Short names people use for places, each to one place or to the few it could mean. (city, state) resolves to the
# city; a 7-digit code to that OEWS area. Documented in docs/places.md.
ALIASES: dict[str, list[tuple[str, str] | str]] = {
    "nyc": [("New York", "NY")],
    "new york city": [("New York", "NY")],
    "manhattan": [("New York", "NY")],
    "brooklyn": [("New York", "NY")],
    "la": [("Los Angeles", "CA"), "2200000"],  # also Louisiana's abbreviation: a choice, the city first
    "sf": [("San Francisco", "CA")],
    "san fran": [("San Francisco", "CA")],
    "bay area": ["0041860", "0041940"],
    "sf bay area": ["0041860", "0041940"],
    "san francisco bay area": ["0041860", "0041940"],
    "silicon valley": ["0041940"],
    "dc": [("Washington", "DC")],
    "d c": [("Washington", "DC")],
    "washington dc": [("Washington", "DC")],
    "district of columbia": [("Washington", "DC")],
    "northern virginia": ["0047900"],
    "nova": ["0047900"],
    "dmv": ["0047900"],
    "twin cities": ["0033460"],
    "dfw": ["0019100"],
    "dallas fort worth": ["0019100"],
    "metroplex": ["0019100"],
    "philly": [("Philadelphia", "PA")],
    "vegas": [("Las Vegas", "NV")],
    "nola": [("New Orleans", "LA")],
    "atl": [("Atlanta", "GA")],
    "chi town": [("Chicago", "IL")],
    "chicagoland": ["0016980"],
    "metro detroit": ["0019820"],
    "greater boston": ["0014460"],
    "research triangle": ["0039580", "0020500"],
    "the triangle": ["0039580", "0020500"],
    "inland empire": ["0040140"],
    "tampa bay": ["0045300"],
    "hampton roads": ["0047260"],
    "quad cities": ["0019340"],
    "kc": [("Kansas City", "MO")],
    "okc": [("Oklahoma City", "OK")],
    "slc": [("Salt Lake City", "UT")],
    "st pete": [("St. Petersburg", "FL")],
    "saint pete": [("St. Petersburg", "FL")],
    "nashville": [("Nashville", "TN")],
    "indy": [("Indianapolis", "IN")],
    "socal": ["0031080", "0041740", "0040140"],
    "raleigh durham": ["0039580", "0020500"],
    "washington dc baltimore": ["0047900", "0012580"],
    "baltimore washington": ["0012580", "0047900"],
}
# Well-known regions that are not a city, county or metro title: the places (city or county, state) whose areas they
# span, offered as a choice (one area: that place). Each entry names its source. Documented in docs/places.md.
REGIONS: dict[str, list[tuple[str, str]]] = {
    # The barrier islands of Currituck, Dare and Hyde counties (NPS Cape Hatteras National Seashore; NC DOT).
    "outer banks": [("Dare County", "NC"), ("Currituck County", "NC"), ("Hyde County", "NC")],
    # The lake's shore towns on both sides of the state line (Tahoe Regional Planning Agency's jurisdiction: El
    # Dorado and Placer counties, CA; Douglas and Washoe counties, NV; Carson City).
    "lake tahoe": [
        ("South Lake Tahoe", "CA"),
        ("Placer County", "CA"),
        ("Incline Village", "NV"),
        ("Douglas County", "NV"),
    ],
    "tahoe": [("South Lake Tahoe", "CA"), ("Placer County", "CA"), ("Incline Village", "NV"), ("Douglas County", "NV")],
    # The San Francisco Bay Area's nine counties (Association of Bay Area Governments).
    "east bay": [("Alameda County", "CA"), ("Contra Costa County", "CA")],
    # Cape Cod is Barnstable County (Cape Cod Commission), the Florida Keys Monroe County (Monroe County, FL).
    "cape cod": [("Barnstable County", "MA")],
    "florida keys": [("Monroe County", "FL")],
    "the keys": [("Monroe County", "FL")],
    # The Hamptons and the rest of eastern Long Island are in Suffolk County; Long Island is Nassau and Suffolk.
    "the hamptons": [("Suffolk County", "NY")],
    "hamptons": [("Suffolk County", "NY")],
    "long island": [("Nassau County", "NY"), ("Suffolk County", "NY")],
    # Jackson Hole is Teton County, WY (Teton County government).
    "jackson hole": [("Teton County", "WY")],
}
# AP style's state abbreviations ("Fla.", "Okla.", "N.C."), and the GPO forms people also write, as place keys: the
# AP Stylebook's list (states of eight letters or fewer, and Alaska and Hawaii, are written out).
AP_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "ky": "KY", "la": "LA",
    "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE",
    "nebr": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM", "n mex": "NM", "n y": "NY", "n c": "NC",
    "n d": "ND", "n dak": "ND", "okla": "OK", "ore": "OR", "oreg": "OR", "pa": "PA", "penn": "PA", "r i": "RI",
    "s c": "SC", "s d": "SD", "s dak": "SD", "tenn": "TN", "tex": "TX", "vt": "VT", "va": "VA", "wash": "WA",
    "w va": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
}  # fmt: skip
BLS_AREA_CODE = re.compile(r"^[msn]?(\d{7})$")  # an OEWS area code, with or without BLS's kind letter (M, S, N)
STATE_FIPS = re.compile(r"^\d{2}$")  # BLS's (and FIPS's) 2-digit state code: 54 is West Virginia
# The whole country, as people write it: national figures.
NATIONAL_NAMES = {"united states", "united states of america", "usa", "us", "u s", "u s a", "nationwide", "national"}
NOT_PLACES = {"remote", "anywhere", "work from home", "wfh", "hybrid", "telecommute", "virtual"}
# Words around a place that do not change it: "Greater Seattle Area", "Boston metro area", "Seattle, WA, USA".
_LEADING = re.compile(r"^(the |greater )+")
_AROUND = re.compile(
    r"^(the |greater )+|( (metropolitan|metro|metroplex|region|area|and vicinity))+$|( (usa|us|u s|u s a|united states"
    r"( of america)?))$"
)

_WORD_FORMS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
_COUNTY_WORDS = ("county", "co", "parish", "borough", "census area", "municipality", "municipio", "city and borough")


def place_key(text: str) -> str:
    """How place names are compared: ASCII, lower case, punctuation as spaces, one spelling of Saint/Fort/Mount."""
    text = text.replace("'", "").replace("\u2019", "")  # O'Fallon, Coeur d'Alene typed with a curly apostrophe
    # Any other punctuation or space, ASCII or not (an en dash in Winston-Salem), separates words.
    text = "".join(" " if unicodedata.category(char)[0] in "PZS" and char != "&" else char for char in text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text).split()
    # Only before another word: a last "MT" or "CT" is a state ("Kalispell MT"), a first one a word ("Mt. Vernon").
    return " ".join([_WORD_FORMS.get(word, word) for word in words[:-1]] + words[-1:])


def _within(words: str, title: str) -> bool:
    """Whether a title contains these whole words ("san jose" in "san jose sunnyvale santa clara ca", "c" nowhere)."""
    return len(words) >= 3 and f" {words} " in f" {title} "


def _county_base(key: str) -> str:
    """ "king county" -> "king" (a key without a county word is returned unchanged)."""
    for word in _COUNTY_WORDS:
        if key.endswith(" " + word):
            return key[: -len(word) - 1]
    return key


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


@dataclass(frozen=True)
class _Entry:
    label: str
    area: str
    population: int = 0


@dataclass
class _Gazetteer:
    """Everything resolution needs, in process memory (about 31,000 cities, 41,000 ZIP codes, 3,200 counties)."""

    areas: dict[str, Area]
    states: dict[str, tuple[str, str, str]]  # key of a name or abbreviation -> (fips, abbr, name)
    cities: dict[tuple[str, str], _Entry]  # (city key, state abbr) -> the most populous such city
    cities_by_name: dict[str, list[_Entry]]  # city key -> every such city, most populous first
    counties: dict[tuple[str, str], _Entry]  # (county key without "county", state abbr)
    counties_by_name: dict[str, list[_Entry]]
    metros: list[tuple[str, str, Area]]  # (title key, states the title names, area)
    metro_titles: dict[str, Area]  # title key -> area (a metro's or a nonmetropolitan area's own name)
    zips: dict[str, _Entry]
    aliases: dict[str, list[_Entry]]
    names: list[str] = field(default_factory=list)  # suggestions and autocomplete, most populous first
    weights: list[float] = field(default_factory=list)
    # For suggestions, computed once: each name as rapidfuzz compares it, the same without its state, its state.
    compared: list[str] = field(default_factory=list)
    compared_bare: list[str] = field(default_factory=list)
    by_state: dict[str, list[int]] = field(default_factory=dict)  # state abbreviation -> indexes of its names

    def __post_init__(self) -> None:
        for index, name in enumerate(self.names):
            bare, _, state = name.rpartition(", ")
            self.compared.append(utils.default_process(name))
            self.compared_bare.append(utils.default_process(bare or name))
            if bare:
                self.by_state.setdefault(state, []).append(index)


def _area_entry(area: Area) -> _Entry:
    return _Entry(area.name, area.code)


@versions.memoized("gazetteer", maxsize=1)
def gazetteer() -> _Gazetteer:
    """The in-memory gazetteer, rebuilt when a new import has been loaded."""
    areas = {area.code: area for area in Area.objects.all()}
    names: list[tuple[str, float]] = []  # (label, weight) for suggestions; appended to by the steps below
    cities, by_name = _cities(names)
    zips, towns = _zips()
    _add_postal_towns(cities, by_name, towns)
    counties, counties_by_name = _counties()
    metros = []
    for area in areas.values():
        if area.kind == Area.Kind.METRO:
            _, _, state_part = area.name.rpartition(", ")
            metros.append((place_key(area.name), state_part, area))
            names.append((area.name, 6.0))
    names += [(name, 7.0) for name in sorted(State.objects.values_list("name", flat=True))]
    unique = dict(names)  # a label listed twice keeps its last weight
    return _Gazetteer(
        areas, _states(), cities, by_name, counties, counties_by_name, metros,
        {place_key(area.name): area for area in areas.values() if area.is_substate}, zips,
        _aliases(areas, cities, counties), list(unique), list(unique.values()),
    )  # fmt: skip


def _states() -> dict[str, tuple[str, str, str]]:
    """Each state under its abbreviation, its name, "NAME state" and "state of NAME"."""
    states: dict[str, tuple[str, str, str]] = {}
    for fips, abbr, name in State.objects.values_list("fips", "abbr", "name"):
        value = (fips, abbr, name)
        for key in (abbr.lower(), place_key(name), place_key(f"{name} state"), place_key(f"state of {name}")):
            states[key] = value
    states["d c"] = states.get("dc", ("11", "DC", "District of Columbia"))
    by_abbr = {abbr: value for value in list(states.values()) for abbr in [value[1]]}
    for key, abbr in AP_STATES.items():
        if abbr in by_abbr:
            states.setdefault(key, by_abbr[abbr])
    return states


def _cities(names: list[tuple[str, float]]) -> tuple[dict[tuple[str, str], _Entry], dict[str, list[_Entry]]]:
    """Cities by (name, state) and by name, most populous first; those of 5,000 people or more are added to
    `names`."""
    cities: dict[tuple[str, str], _Entry] = {}
    by_name: dict[str, list[_Entry]] = {}
    rows = City.objects.filter(county__oews_area__isnull=False).order_by("-population")
    for name, ascii_name, abbr, area_code, population in rows.values_list(
        "name", "name_ascii", "state__abbr", "county__oews_area_id", "population"
    ):
        entry = _Entry(f"{name}, {abbr}", area_code, population)
        for key in {place_key(name), place_key(ascii_name)}:
            if (key, abbr) not in cities:
                cities[(key, abbr)] = entry
                by_name.setdefault(key, []).append(entry)
        if population >= 5000:
            names.append((entry.label, math.log10(population + 1)))
    return cities, by_name


def _counties() -> tuple[dict[tuple[str, str], _Entry], dict[str, list[_Entry]]]:
    """Counties by (name without "county", state) and by that name alone."""
    counties: dict[tuple[str, str], _Entry] = {}
    counties_by_name: dict[str, list[_Entry]] = {}
    for name, abbr, area_code in County.objects.filter(oews_area__isnull=False).values_list(
        "name", "state__abbr", "oews_area_id"
    ):
        if name.startswith("County "):
            continue  # named in no source
        entry = _Entry(f"{name}, {abbr}", area_code)
        key = _county_base(place_key(name))
        counties[(key, abbr)] = entry
        counties_by_name.setdefault(key, []).append(entry)
    return counties, counties_by_name


# A postal town's addresses by area: (town key, state) -> (label, area code -> summed share of its ZIPs' addresses)
PostalTowns = dict[tuple[str, str], tuple[str, dict[str, Decimal]]]


def _zips() -> tuple[dict[str, _Entry], PostalTowns]:
    """Each ZIP code in the county holding most of its addresses; and the USPS preferred city name of each ZIP
    (the HUD-USPS crosswalk) with the areas of its addresses."""
    zips: dict[str, _Entry] = {}
    towns: PostalTowns = {}
    shares = ZipCounty.objects.filter(county__oews_area__isnull=False).order_by("zip", "-total_ratio")
    for zip_code, city, state, area_code, ratio in shares.values_list(
        "zip", "preferred_city", "preferred_state", "county__oews_area_id", "total_ratio"
    ):
        zips.setdefault(zip_code, _Entry(f"{city.title()}, {state} {zip_code}", area_code))
        _, areas = towns.setdefault((place_key(city), state), (f"{city.title()}, {state}", {}))
        areas[area_code] = areas.get(area_code, Decimal(0)) + ratio
    return zips, towns


def _add_postal_towns(
    cities: dict[tuple[str, str], _Entry], by_name: dict[str, list[_Entry]], towns: PostalTowns
) -> None:
    """The towns the city list lacks, by their postal name: New England towns (Brattleboro, VT is a town, not an
    incorporated place or in SimpleMaps' list) and the other names USPS delivers to. Each is in the area holding
    most of its ZIP codes' addresses. A name the list has in that state keeps the list's place, and a name typed
    without a state still means the list's cities of that name when there are any."""
    for (key, state), (label, areas) in towns.items():
        if not key or (key, state) in cities:
            continue
        entry = _Entry(label, max(areas, key=lambda code: (areas[code], code)))
        cities[(key, state)] = entry
        if key not in by_name or by_name[key][0].population == 0:  # alone, never beside a listed city of the name
            by_name.setdefault(key, []).append(entry)


def _aliases(
    areas: dict[str, Area], cities: dict[tuple[str, str], _Entry], counties: dict[tuple[str, str], _Entry]
) -> dict[str, list[_Entry]]:
    """ALIASES and REGIONS, each to the places it names that are loaded (a region's place: a city, else a county)."""
    aliases: dict[str, list[_Entry]] = {}
    named: list[tuple[str, list[tuple[str, str] | str]]] = [*ALIASES.items(), *REGIONS.items()]  # type: ignore[list-item]
    for alias, targets in named:
        entries = []
        for target in targets:
            if isinstance(target, str):
                if target in areas:
                    entries.append(_area_entry(areas[target]))
                continue
            name, state = place_key(target[0]), target[1]
            if (found := cities.get((name, state)) or counties.get((_county_base(name), state))) is not None:
                entries.append(found)
        if entries:
            aliases[place_key(alias)] = entries
    return aliases


def suggest(text: str, limit: int = 5, *, state: str = "") -> list[str]:
    """The known places nearest to what was typed: close spellings first, then larger places. With a state, only
    places in it, compared without the state ("Astoria" in NY)."""
    places = gazetteer()
    indexes = places.by_state.get(state, []) if state else None
    choices = [places.compared_bare[i] for i in indexes] if indexes is not None else places.compared
    # QRatio on names processed once: a tenth of the time of WRatio, and no worse a ranking for place names.
    matches = process.extract(
        utils.default_process(text), choices, scorer=fuzz.QRatio, processor=None, limit=limit * 4, score_cutoff=65
    )
    found = [indexes[position] if indexes is not None else position for _, _, position in matches]
    scores = [score for _, score, _ in matches]
    ranked = sorted(zip(scores, found, strict=True), key=lambda pair: -(pair[0] + 2 * places.weights[pair[1]]))
    return [places.names[index] for _, index in ranked[:limit]]


def autocomplete(prefix: str, limit: int = 8) -> list[str]:
    prefix = " ".join(prefix.split()).lower()[:MAX_LENGTH]
    if len(prefix) < 2:
        return []
    return [name for name in gazetteer().names if name.lower().startswith(prefix)][:limit]


def _found(result: Resolution, entry: _Entry, places: _Gazetteer) -> Resolution:
    result.place = Place(label=entry.label, area=places.areas[entry.area], query=result.query)
    return result


def _choose(result: Resolution, entries: list[_Entry], places: _Gazetteer) -> Resolution:
    """One place, or a choice; places whose figures are one area's are one choice, the first named ("Kansas City":
    MO and KS are both the Kansas City metro area)."""
    by_area: dict[str, _Entry] = {}
    for entry in entries:
        by_area.setdefault(entry.area, entry)
    unique = list(by_area.values())
    if len(unique) == 1:
        return _found(result, unique[0], places)
    result.choices = [entry.label for entry in unique[:10]]
    return result


def _split_state(key: str, places: _Gazetteer) -> tuple[str, tuple[str, str, str] | None]:
    """(place part, state) when the key ends with a state's name or abbreviation ("seattle wa")."""
    words = key.split()
    for size in (3, 2, 1):
        if len(words) > size:
            state = places.states.get(" ".join(words[-size:]))
            if state is not None:
                return " ".join(words[:-size]), state
    return key, None


def _in_state(result: Resolution, place: str, state: tuple[str, str, str], places: _Gazetteer) -> Resolution:
    """A city, county or metro area named within a state."""
    abbr = state[1]
    if (found := places.cities.get((place, abbr))) is not None:
        return _found(result, found, places)
    if (aliased := _aliased(place, places, abbr)) is not None:  # "Bay Area, CA", "Outer Banks NC"
        return _choose(result, aliased, places)
    if (found := places.counties.get((_county_base(place), abbr))) is not None:
        return _found(result, found, places)
    metros = [area for title, states, area in places.metros if _within(place, title) and abbr in states.split("-")]
    if len(metros) == 1:
        return _found(result, _area_entry(metros[0]), places)
    if len(metros) > 1:
        return _choose(result, [_area_entry(area) for area in metros], places)
    typed = result.query.rpartition(",")[0].strip() or " ".join(result.query.split()[: len(place.split())])
    elsewhere = [entry.label for entry in places.cities_by_name.get(place, [])[:2]]  # Astoria, NY: Astoria, OR
    also = f" There is {' and '.join(elsewhere)}." if elsewhere else ""
    result.error = f"We couldn't find “{typed}” in {state[2]}.{also}"
    # Suggestions stay in the state typed ("Brattleboro VT" is never Attleboro, MA): close names there, else the
    # state's own areas, each of which resolves.
    result.suggestions = suggest(place, 3, state=abbr) or _state_areas(state, places)
    return result


def _state_areas(state: tuple[str, str, str], places: _Gazetteer) -> list[str]:
    """The state and its metro and nonmetropolitan areas, by name: somewhere to go when a town is not known."""
    inside = sorted(
        (area for area in places.areas.values() if area.is_substate and area.state_abbr == state[1]),
        key=lambda area: (area.kind != Area.Kind.NONMETRO, area.name),
    )
    return [state[2], *(area.name for area in inside)][:5]


def _aliased(key: str, places: _Gazetteer, state: str = "") -> list[_Entry] | None:
    """The places a short name or region names ("the Bay Area" as "bay area"); with a state, only those in it."""
    entries = places.aliases.get(key) or places.aliases.get(key.removeprefix("the "))
    if entries is None or not state:
        return entries
    inside = [entry for entry in entries if state in _entry_states(entry, places)]
    return inside or None


def _entry_states(entry: _Entry, places: _Gazetteer) -> set[str]:
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
        return _found(result, _Entry("United States", NATIONAL), places)
    if key in NOT_PLACES:
        result.error = (
            f"“{query}” is not a place: leave the place empty for national figures, or enter the city you work from."
        )
        return result
    found = _lookup(result, query, places)
    bare = key
    while (stripped := _AROUND.sub("", bare).strip()) != bare:
        bare = stripped
    if found.kind == Outcome.UNKNOWN and bare and bare != key:
        # A region inside the words around it first ("Greater Bay Area" is the Bay Area, never Bay, AR)
        if (aliased := _aliased(_LEADING.sub("", key), places)) is not None:
            return _choose(Resolution(query=query), aliased, places)
        # "Greater Seattle Area", "Boston MA area", "Seattle, WA, USA": the place inside the words around it.
        again = _lookup(Resolution(query=query), bare, places)
        if again.kind in (Outcome.FOUND, Outcome.AMBIGUOUS):
            return again
    return found


def _lookup(result: Resolution, query: str, places: _Gazetteer) -> Resolution:
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


def _by_zip(result: Resolution, zip_code: str, places: _Gazetteer) -> Resolution:
    found = places.zips.get(zip_code)
    if found is None:
        result.error = f"We couldn't find ZIP code {zip_code}."
        return result
    return _found(result, found, places)


def _by_alias_or_title(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
    if (aliased := _aliased(key, places)) is not None:
        return _choose(result, aliased, places)
    # "Sioux Falls, SD-MN", "West North Dakota nonmetropolitan area": an area's own title, as the site names it
    if (metro := places.metro_titles.get(key)) is not None:
        return _found(result, _area_entry(metro), places)
    return None


def _by_code(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
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
    return _found(result, _Entry(area.name, area.code), places)


def _by_city_comma_state(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
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


def _by_state(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
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
    return _found(result, _Entry(label, state_area.code), places)


def _by_trailing_state(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
    """ "seattle wa": a place followed by its state, without a comma."""
    place, state = _split_state(key, places)
    return _in_state(result, place, state, places) if state is not None else None


def _by_name(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution | None:
    """A city's name alone, or a county's with its county word ("King County")."""
    if (same_name := places.cities_by_name.get(key)) is not None:
        return _choose(result, same_name, places)
    if (counties := places.counties_by_name.get(_county_base(key))) is not None and key != _county_base(key):
        return _choose(result, counties, places)
    return None


def _by_metro(result: Resolution, query: str, key: str, places: _Gazetteer) -> Resolution:
    """Words of a metro area's title ("San Jose metro"), else nothing known: suggestions."""
    metro_key = key.removesuffix(" metropolitan area").removesuffix(" metro area").removesuffix(" metro").strip()
    metros = [area for title, _, area in places.metros if _within(metro_key, title)]
    exact = [area for area in metros if place_key(area.name) == metro_key]
    if len(exact) == 1 or len(metros) == 1:
        return _found(result, _area_entry((exact or metros)[0]), places)
    if len(metros) > 1:
        return _choose(result, [_area_entry(area) for area in metros], places)
    result.error = f"We couldn't find “{query}”."
    result.suggestions = suggest(query)
    return result


def place_or_problem(text: str, field: str = "location") -> Place:
    """The place `text` names, or the problem to answer with (`Resolution.problem`), raised."""
    return resolve(text).place_or_problem(field)


def national_area() -> Area:
    return gazetteer().areas[NATIONAL]
