"""Turn what a person types ("Austin, TX", "Austin, Texas", "94086", "San Jose metro") into an OEWS area."""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from rapidfuzz import fuzz, process, utils

from geo.models import City, State, ZipCounty
from sources.versions import data_version
from wages.models import Area

MAX_LENGTH = 100
ZIP = re.compile(r"^\d{5}(-\d{4})?$")


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
    choices: list[str] = field(default_factory=list)  # ambiguous: pick one of these
    suggestions: list[str] = field(default_factory=list)  # unknown: did you mean
    error: str = ""


def _city_place(city: City, query: str) -> Place | None:
    area = city.county.oews_area
    if area is None:
        return None
    return Place(label=f"{city.name}, {city.state.abbr}", area=area, query=query)


def _state(text: str) -> State | None:
    text = text.strip().rstrip(".")
    if len(text) == 2:
        return State.objects.filter(abbr__iexact=text).first()
    return State.objects.filter(name__iexact=text).first()


def _names() -> list[str]:
    """Names offered as suggestions and autocomplete: the larger cities, metro areas and states."""
    key = f"geo:names:{data_version()}"
    names = cache.get(key)
    if names is None:
        cities = City.objects.filter(population__gte=5000).select_related("state").order_by("-population")
        names = [f"{c.name}, {c.state.abbr}" for c in cities]
        names += list(Area.objects.filter(kind=Area.Kind.METRO).values_list("name", flat=True))
        names += list(State.objects.values_list("name", flat=True))
        names = list(dict.fromkeys(names))
        cache.set(key, names, 3600)
    return names


def suggest(text: str, limit: int = 5) -> list[str]:
    """The nearest known place names to a place we could not find."""
    names = _names()
    matches = process.extract(
        text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=70
    )
    return [names[index] for _, _, index in matches]


def autocomplete(prefix: str, limit: int = 8) -> list[str]:
    prefix = " ".join(prefix.split()).lower()[:MAX_LENGTH]
    if len(prefix) < 2:
        return []
    return [name for name in _names() if name.lower().startswith(prefix)][:limit]


def resolve(raw: str) -> Resolution:
    """Resolve free text to a place; never raises for bad input."""
    query = " ".join(raw.split())
    result = Resolution(query=query)
    if not query:
        result.error = "Enter a city and state (Austin, TX), a ZIP code or a metro area."
        return result
    if len(query) > MAX_LENGTH:
        result.error = f"That is too long for a place name (at most {MAX_LENGTH} characters)."
        return result

    if ZIP.match(query):
        share = (
            ZipCounty.objects.filter(zip=query[:5])
            .select_related("county__oews_area", "county__state")
            .order_by("-total_ratio")
            .first()
        )
        if share and share.county.oews_area:
            label = f"{share.preferred_city.title()}, {share.preferred_state} {query[:5]}"
            result.place = Place(label=label, area=share.county.oews_area, query=query)
        else:
            result.error = f"We couldn't find ZIP code {query[:5]}."
        return result

    city_part, _, state_part = query.rpartition(",")
    if city_part and state_part.strip():
        state = _state(state_part)
        if state is None:
            result.error = f"We couldn't find a state called “{state_part.strip()}”."
            result.suggestions = suggest(query)
            return result
        city = (
            City.objects.filter(state=state, name_ascii__iexact=city_part.strip())
            .select_related("county__oews_area", "state")
            .order_by("-population")
            .first()
        ) or (
            City.objects.filter(state=state, name__iexact=city_part.strip())
            .select_related("county__oews_area", "state")
            .order_by("-population")
            .first()
        )
        if city and (place := _city_place(city, query)):
            result.place = place
            return result
        metro = Area.objects.filter(kind=Area.Kind.METRO, name__iexact=query).first()
        if metro:
            result.place = Place(label=metro.name, area=metro, query=query)
            return result
    else:
        state = _state(query)
        if state is not None:
            area = Area.objects.filter(code=f"{state.fips}00000").first()
            if area:
                result.place = Place(label=state.name, area=area, query=query)
                return result
        cities = list(
            City.objects.filter(name_ascii__iexact=query)
            .select_related("state", "county__oews_area")
            .order_by("-population")[:10]
        )
        if len(cities) == 1 and (place := _city_place(cities[0], query)):
            result.place = place
            return result
        if len(cities) > 1:
            result.choices = [f"{c.name}, {c.state.abbr}" for c in cities]
            return result

    metros = list(Area.objects.filter(kind=Area.Kind.METRO, name__icontains=query.removesuffix(" metro"))[:10])
    if len(metros) == 1:
        result.place = Place(label=metros[0].name, area=metros[0], query=query)
        return result
    if len(metros) > 1:
        result.choices = [m.name for m in metros]
        return result
    result.error = f"We couldn't find “{query}”."
    result.suggestions = suggest(query)
    return result
