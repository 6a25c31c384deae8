"""Reads of OEWS estimates with the fallbacks the product promises: a place's own area, then its state, then the
nation, each step said in words. The role page, the API, downloads, /compare and job listings all read estimates
through `located_estimates` (or `local_estimate`, one of them), so they fall back the same way."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import Col

from geo.gazetteer import gazetteer
from geo.models import NATIONAL, Area
from lib.db import Converters, fetch_one
from lib.problems import ApiProblem
from occupations.models import Occupation
from occupations.services import soc_ancestors
from sources import versions
from wages.models import Release, WageEstimate


@dataclass(frozen=True)
class Change:
    """Percent change of the median between two releases: the annual median, or the hourly median for an
    occupation BLS publishes hourly wages only for."""

    current: WageEstimate
    previous: WageEstimate
    percent: Decimal
    unit: str  # "year" or "hour"

    @property
    def previous_value(self) -> Decimal | int:
        return _median(self.previous, self.unit)  # type: ignore[return-value]

    @property
    def current_value(self) -> Decimal | int:
        return _median(self.current, self.unit)  # type: ignore[return-value]


def _median(estimate: WageEstimate, unit: str) -> Decimal | int | None:
    return estimate.annual_median if unit == "year" else estimate.hourly_median


def current_release() -> Release | None:
    """The newest public release: what pages and the API show when no release is asked for (never a staged one)."""
    return Release.objects.current()


@versions.memoized("releases", maxsize=64)
def release_of(year: int) -> Release | None:
    """The release asked for with `?release=YEAR` (staged ones too), or the current one for 0. Kept in process
    memory until the data version changes (an import, a publish or a rollback bumps it): shared by requests, read
    it, never change it."""
    return Release.objects.filter(year=year).first() if year else current_release()


def release_or_problem(year: int | None) -> Release:
    """The release asked for (staged ones too), or the current one; a 404 naming the loaded releases otherwise."""
    release = release_of(year or 0)
    if release is None:
        loaded = list(Release.objects.order_by("-year"))
        detail = f"Release May {year} is not loaded." if year else "No wage release is public."
        suggestions = [f"release={r.year}" + (" (staged)" if r.staged else "") for r in loaded]
        raise ApiProblem(404, "Unknown release", detail, suggestions=suggestions)
    return release


def national_estimates(occupation_code: str, release: Release) -> tuple[WageEstimate | None, list[WageEstimate]]:
    """The national estimate in `release` of the occupation, or of its nearest SOC ancestor with one, and that
    occupation's history: its national estimates in every public release up to `release` and in `release` itself,
    oldest first (one query). A staged release is in no history but its own, so the change from the previous year
    compares it with the current release before it is published."""
    codes = [occupation_code, *soc_ancestors(occupation_code)[:3]]
    estimates = list(
        WageEstimate.objects.filter(area_id=NATIONAL, occupation_id__in=codes, release_id__lte=release.year)
        .filter(Q(release__staged=False) | Q(release_id=release.year))
        .select_related("area", "occupation", "release")
        .order_by("release_id")
    )
    current = {e.occupation_id: e for e in estimates if e.release_id == release.year}
    chosen = next((current[code] for code in codes if code in current), None)
    if chosen is None:
        return None, []
    return chosen, [e for e in estimates if e.occupation_id == chosen.occupation_id]


def figures_codes(codes: Iterable[str], release: Release) -> dict[str, str]:
    """occupation code -> the code whose estimates stand for it: itself, or its nearest SOC ancestor (up to the
    minor group) with a national estimate in `release`, as `national_estimates` chooses; one query for them all."""
    candidates = {code: [code, *soc_ancestors(code)[:3]] for code in codes}
    published = set(
        WageEstimate.objects.filter(
            release=release, area_id=NATIONAL, occupation_id__in={c for chain in candidates.values() for c in chain}
        ).values_list("occupation_id", flat=True)
    )
    return {code: next((c for c in chain if c in published), code) for code, chain in candidates.items()}


def change_between(previous: WageEstimate, current: WageEstimate) -> Change | None:
    """Percent change of the median between two estimates: the annual median where both publish one, else the
    hourly median where both do (hourly-only occupations); None when neither pair is published."""
    for unit in ("year", "hour"):
        before, after = _median(previous, unit), _median(current, unit)
        if before and after:
            percent = (Decimal(after) - Decimal(before)) * 100 / Decimal(before)
            return Change(current=current, previous=previous, percent=percent.quantize(Decimal("0.1")), unit=unit)
    return None


def has_median(estimate: WageEstimate | None, release: Release) -> bool:
    """A median is published: an annual or hourly number, or BLS's `#` where the release uses it for "this much or
    more". Where the release publishes larger wages elsewhere (May 2025), a `#` median is not published: the next
    level (state, nation) answers instead."""
    if estimate is None:
        return False
    special = estimate.special or {}
    top_coded = "#" in (special.get("annual_median"), special.get("hourly_median"))
    return (
        estimate.annual_median is not None
        or estimate.hourly_median is not None
        or (top_coded and release.top_is_ceiling)
    )


@versions.memoized("occupations", maxsize=1)
def occupations() -> dict[str, Occupation]:
    """Every SOC occupation by code (about 1,400 small rows), in process memory until the data version changes, so
    an estimate's occupation needs no join. Shared: read them, never change them."""
    return {occupation.code: occupation for occupation in Occupation.objects.all()}


@versions.memoized("state areas", maxsize=1)
def state_areas() -> dict[str, tuple[str, str]]:
    """State abbreviation -> (area code, name) of the state's (or territory's) OEWS area."""
    return {
        abbr: (code, name)
        for code, name, abbr in Area.objects.filter(kind__in=[Area.Kind.STATE, Area.Kind.TERRITORY]).values_list(
            "code", "name", "state_abbr"
        )
    }


def fallback_chain(area: Area) -> list[tuple[str, str]]:
    """(code, name) of the areas to try for `area`, nearest first: the area, its state, the nation."""
    chain = [(area.code, area.name)]
    if area.kind in (Area.Kind.METRO, Area.Kind.NONMETRO) and area.state_abbr in state_areas():
        chain.append(state_areas()[area.state_abbr])
    if area.code != NATIONAL:
        chain.append((NATIONAL, "the United States"))
    return chain


@dataclass(frozen=True)
class Located:
    """The estimate that answers for an (occupation, area): the area's own, or its state's, or the nation's."""

    asked: Area
    estimate: WageEstimate | None
    notes: list[str] = field(default_factory=list)  # one sentence for each level skipped

    @property
    def fell_back(self) -> bool:
        return self.estimate is not None and self.estimate.area_id != self.asked.code

    @property
    def area_name(self) -> str:
        if self.estimate is None:
            return ""
        return "the United States" if self.estimate.area_id == NATIONAL else self.estimate.area.name

    @property
    def note(self) -> str:
        """One sentence for a listing or an API answer: where the figures come from, when not the area itself."""
        if self.estimate is None:
            return " ".join(self.notes)
        if not self.fell_back:
            return ""
        # the first step's sentence ("... in Bozeman, MT."), and where the figures come from instead
        return f"{self.notes[0].removesuffix('.')}; the figures are for {self.area_name}."


def located_estimates(
    wanted: Iterable[tuple[str, Area]], release: Release, found: dict[tuple[str, str], WageEstimate] | None = None
) -> dict[tuple[str, str], Located]:
    """(occupation code, area code) -> Located, for many pairs in one query: each pair falls back from its area
    to its state to the nation until BLS publishes a median there. `found`: `estimates_at`'s answer for these pairs'
    occupations and every level of their areas, when the caller has read it already (no query then)."""
    wanted = list(dict.fromkeys(wanted))
    chains = {(code, area.code): (area, fallback_chain(area)) for code, area in wanted}
    if found is None:
        levels = {level for _, chain in chains.values() for level, _ in chain}
        found = estimates_at({code for code, _ in wanted}, levels, release)
    located = {}
    for (code, area_code), (area, chain) in chains.items():
        notes: list[str] = []
        estimate = None
        for level, name in chain:
            candidate = found.get((code, level))
            if has_median(candidate, release):
                estimate = candidate
                break
            marked = candidate is not None and "#" in (candidate.special or {}).values()
            why = " (its cells are marked “#”: not published for this area)" if marked else ""
            notes.append(f"BLS publishes no median wage for this occupation in {name}{why}.")
        located[(code, area_code)] = Located(area, estimate, notes)
    return located


def estimates_at(
    codes: Iterable[str], area_codes: Iterable[str], release: Release
) -> dict[tuple[str, str], WageEstimate]:
    """(occupation code, area code) -> the estimate BLS publishes there (no fallback), every pair of the two lists
    in one query; its occupation, area and release are the ones in process memory (`occupations()`, the
    gazetteer's, and `release`), not joined."""
    areas, known = gazetteer().areas, occupations()
    found = {}
    for estimate in WageEstimate.objects.filter(
        release=release, occupation_id__in=set(codes), area_id__in=set(area_codes)
    ):
        estimate.occupation, estimate.area, estimate.release = (
            known[estimate.occupation_id],
            areas[estimate.area_id],
            release,
        )
        found[(estimate.occupation_id, estimate.area_id)] = estimate
    return found


def local_estimate(occupation_code: str, area: Area, release: Release) -> tuple[WageEstimate | None, list[str]]:
    """The estimate for `area`, else its state, else national; with a note for each level skipped."""
    located = located_estimates([(occupation_code, area)], release)[(occupation_code, area.code)]
    return located.estimate, located.notes


# One cell's estimate, read without building the query each call -------------------------------------------------


@dataclass(frozen=True)
class _CellQuery:
    """The SQL of one (release, area, occupation) cell's estimate and its occupation, and the converters of the
    database's column values (a Decimal from SQLite's text, the JSON of `special`), made once per database."""

    sql: str
    split: int  # the row's estimate columns, then its occupation's
    converters: Converters


_cell_queries: dict[str, _CellQuery] = {}
_ESTIMATE_NAMES = [field.attname for field in WageEstimate._meta.concrete_fields]
_OCCUPATION_NAMES = [field.attname for field in Occupation._meta.concrete_fields]


def _cell_query(alias: str) -> _CellQuery:
    query = _cell_queries.get(alias)
    if query is None:
        quote = connections[alias].ops.quote_name
        estimate, occupation = WageEstimate._meta, Occupation._meta
        columns = [Col(estimate.db_table, f) for f in estimate.concrete_fields]
        columns += [Col(occupation.db_table, f) for f in occupation.concrete_fields]
        selected = ", ".join(f"{quote(c.alias)}.{quote(c.target.column)}" for c in columns)
        column = {f.name: f"{quote(estimate.db_table)}.{quote(f.column)}" for f in estimate.concrete_fields}
        where = " AND ".join(f"{column[name]} = %s" for name in ("release", "area", "occupation"))
        # (release, occupation, area) is unique (one_estimate_per_cell): no ORDER BY, no LIMIT
        sql = (
            f"SELECT {selected} FROM {quote(estimate.db_table)} INNER JOIN {quote(occupation.db_table)} ON "
            f"{column['occupation']} = {quote(occupation.db_table)}.{quote(occupation.pk.column)} WHERE {where}"
        )
        compiler = WageEstimate.objects.none().query.get_compiler(using=alias)
        query = _CellQuery(sql, len(estimate.concrete_fields), compiler.get_converters(columns))
        _cell_queries[alias] = query
    return query


def cell_estimate(release: Release, area: Area, occupation_code: str, using: str = "default") -> WageEstimate | None:
    """The estimate of one cell as BLS publishes it (no fallback), with its occupation, area and release: one indexed
    query, its SQL made once (the ORM's compiler cost a call more than the query did)."""
    query = _cell_query(using)
    values = fetch_one(query.sql, [release.year, area.code, occupation_code], query.converters, using)
    if values is None:
        return None
    estimate = WageEstimate.from_db(using, _ESTIMATE_NAMES, values[: query.split])
    estimate.occupation = Occupation.from_db(using, _OCCUPATION_NAMES, values[query.split :])
    estimate.area, estimate.release = area, release  # in process memory already: no join for them
    return estimate
