"""Supply, demand and the hiring-difficulty score, from public estimates (see /methodology/).

demand (openings)  = BLS Employment Projections annual average openings
supply (candidates) = experienced job seekers (CPS unemployed, last job in the occupation)
                    + new entrants (IPEDS completions of programs that prepare for it)
difficulty          = 100 x supply / (supply + demand): 0 more difficult, 100 less difficult

A Census occupation or a program that covers several SOC occupations is split across them by OEWS
national employment, so nobody is counted twice. Local figures apportion the national ones by the
area's share of the occupation's employment, except new entrants, which come from the state's own
completions.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from geo.gazetteer import gazetteer
from geo.models import NATIONAL, Area
from market.models import CensusOccupation, Completions, ProgramOccupation, Projection, Unemployment
from occupations.services import soc_ancestors
from sources import versions
from wages.models import WageEstimate
from wages.queries import state_areas

# Awards counted as new entrants: certificates of a year or more, associate's, bachelor's, master's
# and doctor's degrees. Short certificates and post-degree certificates mostly go to people already working.
NEW_ENTRANT_AWARD_LEVELS = (2, 3, 4, 5, 7, 17, 18, 19)


@dataclass(frozen=True)
class Citation:
    label: str
    source: str


@dataclass
class MarketEstimate:
    """Demand, supply and difficulty for one occupation in one area, with what each number rests on."""

    occupation_code: str
    area_name: str
    openings: int | None = None
    experienced: int | None = None
    new_entrants: int | None = None
    area_share: Decimal | None = None
    projection: Projection | None = None
    notes: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    # "public": the estimates above; "rolescope": the platform's own postings and candidates (jobs.platform).
    basis: str = "public"

    @property
    def basis_label(self) -> str:
        return "rolescope data" if self.basis == "rolescope" else "public estimates"

    @property
    def supply(self) -> int | None:
        if self.experienced is None or self.new_entrants is None:
            return None
        return self.experienced + self.new_entrants

    @property
    def difficulty(self) -> Decimal | None:
        supply, demand = self.supply, self.openings
        if supply is None or demand is None or supply + demand == 0:
            return None
        return (Decimal(100) * supply / (supply + demand)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def difficulty_label(self) -> str:
        score = self.difficulty
        if score is None:
            return "Not available"
        if score < 25:
            return "Very difficult to hire"
        if score < 50:
            return "More difficult to hire"
        if score < 75:
            return "Less difficult to hire"
        return "Easy to hire"


def _national_employment() -> dict[str, int]:
    """OEWS national employment of every occupation in the newest release."""
    newest = WageEstimate.objects.order_by("-release_id").values_list("release_id", flat=True).first() or 0
    rows = WageEstimate.objects.filter(release_id=newest, area_id=NATIONAL, employment__isnull=False)
    return {code: count for code, count in rows.values_list("occupation_id", "employment") if count is not None}


def statistical_units(employment: dict[str, int]) -> set[str]:
    """The finest occupations OEWS counts: codes with employment and no counted descendant."""
    counted = set(employment)
    parents = {ancestor for code in counted for ancestor in soc_ancestors(code) if ancestor != code}
    return {code for code in counted if code not in parents and not code.endswith("0000")}


def unit_of(code: str, units: set[str]) -> str | None:
    """The statistical unit covering a SOC code: itself, or its nearest counted ancestor."""
    return next((c for c in [code, *soc_ancestors(code)[:2]] if c in units), None)


def _census_split(units: set[str], employment: dict[str, int]) -> dict[str, dict[str, Decimal]]:
    """Census occupation -> {unit: share}, expanding broad codes and residual patterns like 15-124X."""
    census = list(CensusOccupation.objects.values_list("code", "soc_code"))
    explicit = {soc for _, soc in census if "X" not in soc}
    result = {}
    for code, soc in census:
        if "X" in soc:
            prefix = soc.split("X")[0]
            covered = {u for u in units if u.startswith(prefix) and u not in explicit}
        elif soc in units:
            covered = {soc}
        else:
            prefix = soc.rstrip("0")
            nearest = unit_of(soc, units)
            covered = {u for u in units if u.startswith(prefix)} or ({nearest} if nearest else set())
        total = sum(employment.get(u, 0) for u in covered)
        if total:
            result[code] = {u: Decimal(employment.get(u, 0)) / total for u in covered}
    return result


def _program_split(units: set[str], employment: dict[str, int]) -> dict[str, dict[str, Decimal]]:
    """Program (CIP) -> {unit: share} of its graduates, by employment of the occupations it feeds."""
    linked: dict[str, set[str]] = defaultdict(set)
    for program, soc in ProgramOccupation.objects.values_list("program_code", "soc_code"):
        unit = unit_of(soc, units)
        if unit:
            linked[program].add(unit)
    result = {}
    for program, covered in linked.items():
        total = sum(employment.get(u, 0) for u in covered)
        if total:
            result[program] = {u: Decimal(employment.get(u, 0)) / total for u in covered}
    return result


_Splits = tuple[set[str], dict[str, int], dict[str, dict[str, Decimal]], dict[str, dict[str, Decimal]]]


@versions.memoized("supply splits", maxsize=1)
def _splits() -> _Splits:
    """Statistical units, employment and the census and program splits, kept in process memory per data
    version (unpickling them from a shared cache on every request would cost more than computing them)."""
    employment = _national_employment()
    units = statistical_units(employment)
    return units, employment, _census_split(units, employment), _program_split(units, employment)


def national_market(occupation_code: str) -> MarketEstimate:
    """Openings, candidate supply and difficulty for an occupation, United States."""
    return national_markets([occupation_code])[occupation_code]


def national_markets(occupation_codes: Iterable[str]) -> dict[str, MarketEstimate]:
    """`national_market` of many occupations at once: one query per source table for them all (the role profiles
    of every occupation are built this way)."""
    units, _, census_split, program_split = _splits()
    unit_of_code = {code: unit_of(code, units) for code in occupation_codes}
    wanted = {unit for unit in unit_of_code.values() if unit is not None}
    projections = _projections(wanted)
    shares = {unit: {code: split[unit] for code, split in census_split.items() if unit in split} for unit in wanted}
    unemployment = list(
        Unemployment.objects.filter(
            census_occupation__in={code for split in shares.values() for code in split}, unemployed__isnull=False
        )
        .order_by("-year")
        .values_list("year", "census_occupation_id", "unemployed")
    )
    programs = {unit: {code: split[unit] for code, split in program_split.items() if unit in split} for unit in wanted}
    completions, academic_year = _national_completions({code for split in programs.values() for code in split})
    estimates = {}
    for code, unit in unit_of_code.items():
        estimate = MarketEstimate(occupation_code=unit or code, area_name="United States")
        if unit is None:
            estimate.notes.append("OEWS publishes no employment for this occupation, so supply cannot be estimated.")
        else:
            _add_openings(estimate, unit, projections)
            _add_experienced(estimate, shares[unit], unemployment)
            _add_entrants(estimate, programs[unit], completions, academic_year)
        estimates[code] = estimate
    return estimates


def _projections(units: set[str]) -> dict[str, Projection]:
    """unit -> the newest line-item projection of it or of its nearest ancestors (two levels up)."""
    chains = {unit: [unit, *soc_ancestors(unit)[:2]] for unit in units}
    rows = Projection.objects.filter(
        code__in={code for chain in chains.values() for code in chain}, kind=Projection.Kind.LINE_ITEM
    )
    candidates: dict[str, list[Projection]] = defaultdict(list)
    for projection in rows:
        candidates[projection.code].append(projection)
    chosen = {}
    for unit, chain in chains.items():
        found = [projection for code in chain for projection in candidates.get(code, [])]
        if found:  # the newest period first, then the highest code (the finest of the chain)
            chosen[unit] = max(found, key=lambda projection: (projection.period, projection.code))
    return chosen


def _add_openings(estimate: MarketEstimate, unit: str, projections: dict[str, Projection]) -> None:
    projection = estimate.projection = projections.get(unit)
    if projection:
        estimate.openings = int((projection.openings * 1000).to_integral_value(ROUND_HALF_UP))
        estimate.citations.append(
            Citation("Job openings", f"BLS Employment Projections {projection.period}, annual average openings")
        )
        if projection.code != unit:
            estimate.notes.append(f"Openings are for {projection.code} {projection.title}.")
    else:
        estimate.notes.append("BLS Employment Projections has no openings figure for this occupation.")


def _add_experienced(
    estimate: MarketEstimate, shares: dict[str, Decimal], unemployment: list[tuple[int, str, int | None]]
) -> None:
    """Experienced job seekers: the CPS unemployed of the newest year of the census occupations covering the unit,
    each weighted by the unit's share of it."""
    rows = [row for row in unemployment if row[1] in shares]
    year = rows[0][0] if rows else None
    if year is None:
        estimate.notes.append("The CPS publishes no unemployment figure covering this occupation.")
        return
    total = Decimal(0)
    for row_year, census, unemployed in rows:
        if row_year == year and census is not None and unemployed is not None:
            total += Decimal(unemployed) * 1000 * shares[census]
    estimate.experienced = int(total.to_integral_value(ROUND_HALF_UP))
    estimate.citations.append(
        Citation("Experienced job seekers", f"BLS Current Population Survey, {year} annual averages, table 25b")
    )


def _national_completions(programs: set[str]) -> tuple[dict[str, list[tuple[int, int]]], str | None]:
    """program -> its (row number, graduates) rows of the newest academic year, nationally, for new-entrant awards;
    and that year."""
    newest = _newest_academic_year()
    if not newest:
        return {}, None
    rows = Completions.objects.filter(
        academic_year=newest,
        state_abbr=Completions.NATIONAL,
        program_code__in=programs,
        award_level__in=NEW_ENTRANT_AWARD_LEVELS,
    ).values_list("program_code", "total")
    by_program: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for number, (program, count) in enumerate(rows):
        by_program[program].append((number, count))
    return by_program, newest


def _add_entrants(
    estimate: MarketEstimate,
    programs: dict[str, Decimal],
    completions: dict[str, list[tuple[int, int]]],
    year: str | None,
) -> None:
    """New entrants: the year's graduates of the programs that prepare for the unit, weighted by its share of each
    (added in the order the rows were read, as one query for the unit alone adds them)."""
    if not year:
        estimate.new_entrants = 0
        return
    rows = sorted((number, program, count) for program in programs for number, count in completions.get(program, []))
    total = sum(Decimal(count) * programs[program] for _, program, count in rows)
    estimate.new_entrants = int(Decimal(total).to_integral_value(ROUND_HALF_UP))
    estimate.citations.append(
        Citation("New entrants", f"NCES IPEDS Completions {year}, through the NCES/BLS CIP-SOC crosswalk")
    )


def _completions(programs: dict[str, Decimal], state: str) -> tuple[int, str | None]:
    """Graduates of `programs` (weighted by each program's share) in the newest academic year."""
    newest = _newest_academic_year()
    if not newest:
        return 0, None
    rows = Completions.objects.filter(
        academic_year=newest, state_abbr=state, program_code__in=programs, award_level__in=NEW_ENTRANT_AWARD_LEVELS
    ).values_list("program_code", "total")
    total = sum(Decimal(count) * programs[program] for program, count in rows)
    return int(Decimal(total).to_integral_value(ROUND_HALF_UP)), newest


@versions.memoized("newest academic year", maxsize=1)
def _newest_academic_year() -> str:
    return Completions.objects.order_by("-academic_year").values_list("academic_year", flat=True).first() or ""


@versions.memoized("new entrants by state", maxsize=8192)
def _state_entrants(occupation_code: str, state: str) -> int:
    """A state's graduates a year of the programs that prepare for the occupation (weighted by each program's
    share): the same for every area of the state."""
    programs = {code: split[occupation_code] for code, split in _splits()[3].items() if occupation_code in split}
    return _completions(programs, state)[0]


def local_market(
    national: MarketEstimate, area: Area, rows: list[tuple[str, str, int | None]] | None = None
) -> MarketEstimate:
    """The national estimate apportioned to `area` by its share of the occupation's employment. `rows`: the area's
    and its state's employment in the occupation (area code, kind, employment), newest release first, when the
    caller read them already (`local_markets`); else they are read here, in one query."""
    if area.code == NATIONAL:
        return national
    local = MarketEstimate(occupation_code=national.occupation_code, area_name=area.name, citations=national.citations)
    employment = _splits()[1]
    if rows is None:
        rows = _employment_rows(national.occupation_code, area)
    here = next((count for code, _, count in rows if code == area.code), None)
    state_employment = next(
        (count for code, kind, count in rows if kind in (Area.Kind.STATE, Area.Kind.TERRITORY)), None
    )
    total = employment.get(national.occupation_code)
    if not here or not total:
        local.notes.append(
            f"BLS publishes no employment for this occupation in {area.name}, so local demand is not estimated."
        )
        return local
    share = Decimal(here) / total
    local.area_share = share
    if national.openings is not None:
        local.openings = int((national.openings * share).to_integral_value(ROUND_HALF_UP))
    if national.experienced is not None:
        local.experienced = int((national.experienced * share).to_integral_value(ROUND_HALF_UP))
    entrants = _state_entrants(national.occupation_code, area.state_abbr)
    if area.kind in (Area.Kind.METRO, Area.Kind.NONMETRO) and state_employment:
        entrants = int((Decimal(entrants) * min(Decimal(1), Decimal(here) / state_employment)).to_integral_value())
        local.notes.append(
            f"New entrants: {area.state_abbr} graduates, scaled by the area's share of state employment."
        )
    local.new_entrants = entrants
    return local


def _employment_rows(occupation_code: str, area: Area) -> list[tuple[str, str, int | None]]:
    """(area code, kind, employment) of the occupation in `area` and in its state, newest release first: one query
    by the (occupation, area) index, the state's area and the kinds from process memory (no join)."""
    codes = {area.code}
    if (state := state_areas().get(area.state_abbr)) is not None:
        codes.add(state[0])
    areas = gazetteer().areas
    return [
        (code, areas[code].kind, employment)
        for code, employment in WageEstimate.objects.filter(
            occupation_id=occupation_code, area_id__in=codes, employment__isnull=False
        )
        .order_by("-release_id")
        .values_list("area_id", "employment")
    ]


def local_markets(wanted: list[tuple[MarketEstimate, Area]]) -> dict[tuple[str, str], MarketEstimate]:
    """(occupation code, area code) -> `local_market` for many (national estimate, area) pairs, their employment
    read in one query (/compare/ asks for up to 100)."""
    places = [area for _, area in wanted if area.code != NATIONAL]
    rows: dict[str, list[tuple[str, str, str, int | None]]] = {}
    if places:
        found = (
            WageEstimate.objects.filter(
                occupation_id__in={national.occupation_code for national, _ in wanted}, employment__isnull=False
            )
            .filter(
                Q(area_id__in={area.code for area in places})
                | Q(
                    area__kind__in=[Area.Kind.STATE, Area.Kind.TERRITORY],
                    area__state_abbr__in={area.state_abbr for area in places},
                )
            )
            .order_by("-release_id")
            .values_list("occupation_id", "area_id", "area__kind", "area__state_abbr", "employment")
        )
        for code, area_code, kind, state, count in found:
            rows.setdefault(code, []).append((area_code, kind, state, count))
    markets = {}
    for national, area in wanted:
        mine = [
            (code, kind, count)
            for code, kind, state, count in rows.get(national.occupation_code, [])
            if code == area.code or (kind in (Area.Kind.STATE, Area.Kind.TERRITORY) and state == area.state_abbr)
        ]
        markets[(national.occupation_code, area.code)] = local_market(national, area, mine)
    return markets
