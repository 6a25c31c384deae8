"""The gazetteer: every place a person can name, in process memory (about 31,000 cities, 41,000 ZIP codes, 3,200
counties, the OEWS areas and the states), rebuilt when the data version changes; and the suggestions and
autocomplete drawn from it. `geo.resolve` reads it."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process, utils

from geo.models import NATIONAL, Area, City, County, State, ZipCounty
from geo.place_names import ALIASES, AP_STATES, MAX_LENGTH, REGIONS, county_base, place_key
from sources import versions


@dataclass(frozen=True)
class Entry:
    label: str
    area: str
    population: int = 0


@dataclass
class Gazetteer:
    """Everything resolution needs, in process memory (about 31,000 cities, 41,000 ZIP codes, 3,200 counties)."""

    areas: dict[str, Area]
    states: dict[str, tuple[str, str, str]]  # key of a name or abbreviation -> (fips, abbr, name)
    cities: dict[tuple[str, str], Entry]  # (city key, state abbr) -> the most populous such city
    cities_by_name: dict[str, list[Entry]]  # city key -> every such city, most populous first
    counties: dict[tuple[str, str], Entry]  # (county key without "county", state abbr)
    counties_by_name: dict[str, list[Entry]]
    metros: list[tuple[str, str, Area]]  # (title key, states the title names, area)
    metro_titles: dict[str, Area]  # title key -> area (a metro's or a nonmetropolitan area's own name)
    zips: dict[str, Entry]
    aliases: dict[str, list[Entry]]
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


def area_entry(area: Area) -> Entry:
    return Entry(area.name, area.code)


@versions.memoized("gazetteer", maxsize=1)
def gazetteer() -> Gazetteer:
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
    return Gazetteer(
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


def _cities(names: list[tuple[str, float]]) -> tuple[dict[tuple[str, str], Entry], dict[str, list[Entry]]]:
    """Cities by (name, state) and by name, most populous first; those of 5,000 people or more are added to
    `names`."""
    cities: dict[tuple[str, str], Entry] = {}
    by_name: dict[str, list[Entry]] = {}
    rows = City.objects.filter(county__oews_area__isnull=False).order_by("-population")
    for name, ascii_name, abbr, area_code, population in rows.values_list(
        "name", "name_ascii", "state__abbr", "county__oews_area_id", "population"
    ):
        entry = Entry(f"{name}, {abbr}", area_code, population)
        for key in {place_key(name), place_key(ascii_name)}:
            if (key, abbr) not in cities:
                cities[(key, abbr)] = entry
                by_name.setdefault(key, []).append(entry)
        if population >= 5000:
            names.append((entry.label, math.log10(population + 1)))
    return cities, by_name


def _counties() -> tuple[dict[tuple[str, str], Entry], dict[str, list[Entry]]]:
    """Counties by (name without "county", state) and by that name alone."""
    counties: dict[tuple[str, str], Entry] = {}
    counties_by_name: dict[str, list[Entry]] = {}
    for name, abbr, area_code in County.objects.filter(oews_area__isnull=False).values_list(
        "name", "state__abbr", "oews_area_id"
    ):
        if name.startswith("County "):
            continue  # named in no source
        entry = Entry(f"{name}, {abbr}", area_code)
        key = county_base(place_key(name))
        counties[(key, abbr)] = entry
        counties_by_name.setdefault(key, []).append(entry)
    return counties, counties_by_name


# A postal town's addresses by area: (USPS name, state) -> area code -> summed share of its ZIP codes' addresses
PostalTowns = dict[tuple[str, str], dict[str, Decimal]]


def _zips() -> tuple[dict[str, Entry], PostalTowns]:
    """Each ZIP code in the county holding most of its addresses; and the USPS preferred city name of each ZIP
    (the HUD-USPS crosswalk) with the areas of its addresses."""
    zips: dict[str, Entry] = {}
    towns: PostalTowns = {}
    shares = ZipCounty.objects.filter(county__oews_area__isnull=False).order_by("zip", "-total_ratio")
    for zip_code, city, state, area_code, ratio in shares.values_list(
        "zip", "preferred_city", "preferred_state", "county__oews_area_id", "total_ratio"
    ):
        if zip_code not in zips:
            zips[zip_code] = Entry(f"{city.title()}, {state} {zip_code}", area_code)
        if (areas := towns.get((city, state))) is None:
            areas = towns[(city, state)] = {}
        areas[area_code] = areas.get(area_code, 0) + ratio
    return zips, towns


def _add_postal_towns(
    cities: dict[tuple[str, str], Entry], by_name: dict[str, list[Entry]], towns: PostalTowns
) -> None:
    """The towns the city list lacks, by their postal name: New England towns (Brattleboro, VT is a town, not an
    incorporated place or in SimpleMaps' list) and the other names USPS delivers to. Each is in the area holding
    most of its ZIP codes' addresses. A name the list has in that state keeps the list's place, and a name typed
    without a state still means the list's cities of that name when there are any."""
    for (city, state), areas in towns.items():
        key = place_key(city)
        if not key or (key, state) in cities:
            continue
        entry = Entry(f"{city.title()}, {state}", max(areas, key=lambda code: (areas[code], code)))
        cities[(key, state)] = entry
        if key not in by_name or by_name[key][0].population == 0:  # alone, never beside a listed city of the name
            by_name.setdefault(key, []).append(entry)


def _aliases(
    areas: dict[str, Area], cities: dict[tuple[str, str], Entry], counties: dict[tuple[str, str], Entry]
) -> dict[str, list[Entry]]:
    """ALIASES and REGIONS, each to the places it names that are loaded (a region's place: a city, else a county)."""
    aliases: dict[str, list[Entry]] = {}
    named: list[tuple[str, list[tuple[str, str] | str]]] = [*ALIASES.items(), *REGIONS.items()]  # type: ignore[list-item]
    for alias, targets in named:
        entries = []
        for target in targets:
            if isinstance(target, str):
                if target in areas:
                    entries.append(area_entry(areas[target]))
                continue
            name, state = place_key(target[0]), target[1]
            if (found := cities.get((name, state)) or counties.get((county_base(name), state))) is not None:
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


def national_area() -> Area:
    return gazetteer().areas[NATIONAL]
