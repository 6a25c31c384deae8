"""Programmes near you: the institutions whose programs prepare for an occupation (the NCES/BLS CIP-SOC crosswalk),
with their IPEDS completions, nearest first to a place or largest first.

What depends only on the loaded data is built once at import (`occupation_programmes_build`, one row per SOC
occupation in `OccupationProgrammes`: its institutions, largest first); a process keeps the rows it has read and the
IPEDS directory (`versions.memoized`), so the nearest query is arithmetic over the occupation's institutions in memory
(bench/programmes.py measures it), then one indexed query for the programs of the ten it lists.
"""

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from market.models import Institution, InstitutionCompletions, OccupationProgrammes, Program, ProgramOccupation
from sources import versions

EARTH_RADIUS_MILES = 3958.8
# IPEDS AWLEVEL codes and their labels in the NCES C2024_A dictionary
AWARD_LEVELS = {
    20: "Certificate under 12 weeks",
    21: "Certificate of 12 weeks to under 1 year",
    1: "Certificate under 1 year",
    2: "Certificate of 1 to under 2 years",
    3: "Associate's degree",
    4: "Certificate of 2 to under 4 years",
    5: "Bachelor's degree",
    6: "Postbaccalaureate certificate",
    7: "Master's degree",
    8: "Post-master's certificate",
    17: "Doctor's degree, research/scholarship",
    18: "Doctor's degree, professional practice",
    19: "Doctor's degree, other",
}


def occupation_programmes_build() -> int:
    """One `OccupationProgrammes` row per occupation the crosswalk links to a program with awards: its institutions
    with their awards in those programs, summed by the database (one grouped join), largest first."""
    OccupationProgrammes.objects.all().delete()
    year = InstitutionCompletions.objects.order_by("-academic_year").values_list("academic_year", flat=True).first()
    if year is None:
        return 0
    programs_of: dict[str, list[str]] = defaultdict(list)
    others: dict[str, int] = defaultdict(lambda: -1)  # program -> how many occupations besides the one shown
    for program, soc in ProgramOccupation.objects.values_list("program_code", "soc_code"):
        programs_of[soc].append(program)
        others[program] += 1
    titles = dict(Program.objects.values_list("code", "title"))
    awarded = set(InstitutionCompletions.objects.filter(academic_year=year).values_list("program_code", flat=True))
    completions, links = InstitutionCompletions._meta.db_table, ProgramOccupation._meta.db_table
    found: dict[str, tuple[list[int], list[int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT link.soc_code, done.institution_id, SUM(done.total) AS awards FROM {completions} done "
            f"JOIN {links} link ON link.program_code = done.program_code WHERE done.academic_year = %s "
            "GROUP BY link.soc_code, done.institution_id ORDER BY link.soc_code, awards DESC, done.institution_id",
            [year],
        )
        for soc, unitid, awards in cursor.fetchall():
            unitids, totals = found.setdefault(soc, ([], []))
            unitids.append(unitid)
            totals.append(int(awards))
    built = [
        OccupationProgrammes(
            soc_code=soc, academic_year=year, unitids=unitids, totals=totals,
            program_details={code: [titles.get(code, code), others[code]]
                             for code in sorted(set(programs_of[soc]) & awarded)},
        )
        for soc, (unitids, totals) in found.items()
    ]  # fmt: skip
    OccupationProgrammes.objects.bulk_create(built, batch_size=100)
    return len(built)


@dataclass(frozen=True)
class Programme:
    code: str  # CIP 2020
    title: str
    award_level: str
    completions: int
    other_occupations: int  # the other occupations the crosswalk links this program to


@dataclass(frozen=True)
class ProgrammeSchool:
    """An institution with its programs that prepare for the occupation."""

    unitid: int
    name: str
    city: str
    state: str
    url: str
    distance_miles: float | None
    completions: int
    programmes: list[Programme]


@dataclass(frozen=True)
class Programmes:
    academic_year: str
    near: str  # the place measured from, "" for the largest nationally, a state's name for the largest there
    schools: list[ProgrammeSchool]
    institutions: int  # every institution with such a program

    @property
    def citation(self) -> str:
        return (
            f"U.S. Department of Education, NCES, IPEDS Completions {self.academic_year} (first majors) and "
            "Institutional Characteristics (directory); NCES/BLS CIP 2020 to SOC 2018 Crosswalk"
        )


@dataclass(frozen=True)
class _Directory:
    names: dict[int, tuple[str, str, str, str]]  # unitid -> (name, city, state, web address)
    points: dict[int, tuple[float, float]]  # unitid -> (latitude, longitude)
    by_state: dict[str, frozenset[int]]


@versions.memoized("institutions", maxsize=1)
def _directory() -> _Directory:
    """The IPEDS directory in process memory (about 6,000 institutions): one query per data version."""
    names, points = {}, {}
    by_state: dict[str, set[int]] = defaultdict(set)
    for unitid, name, city, state, url, latitude, longitude in Institution.objects.values_list(
        "unitid", "name", "city", "state_abbr", "web_address", "latitude", "longitude"
    ):
        names[unitid], points[unitid] = (name, city, state, url), (latitude, longitude)
        by_state[state].add(unitid)
    return _Directory(names, points, {state: frozenset(units) for state, units in by_state.items()})


@dataclass(frozen=True)
class _Occupation:
    academic_year: str
    unitids: list[int]
    latitudes: list[float]
    longitudes: list[float]
    totals: list[int]
    details: dict[str, list[str | int]]  # CIP code -> [title, other occupations]


@versions.memoized("occupation_programmes", maxsize=64)
def _occupation(soc: str) -> _Occupation | None:
    """An occupation's stored row with its institutions' coordinates, in process memory."""
    row = OccupationProgrammes.objects.filter(soc_code=soc).first()
    if row is None:
        return None
    points = _directory().points
    latitudes = [points[unitid][0] for unitid in row.unitids]
    longitudes = [points[unitid][1] for unitid in row.unitids]
    return _Occupation(row.academic_year, row.unitids, latitudes, longitudes, row.totals, row.program_details)


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def nearest(found: _Occupation, latitude: float, longitude: float, limit: int) -> list[tuple[float, int]]:
    """(miles, index) of the `limit` nearest institutions. A flat-earth distance picks three times as many
    candidates (cheap, and in the same order near the place); the haversine orders them."""
    scale = math.cos(math.radians(latitude))
    lats, lons = found.latitudes, found.longitudes
    flat = [(lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2 for lat, lon in zip(lats, lons, strict=True)]
    candidates = heapq.nsmallest(limit * 3, range(len(flat)), key=flat.__getitem__)
    exact = [(distance_miles(latitude, longitude, lats[i], lons[i]), i) for i in candidates]
    return sorted(exact, key=lambda pair: (pair[0], -found.totals[pair[1]], found.unitids[pair[1]]))[:limit]


def _largest(found: _Occupation, limit: int, state_units: frozenset[int] | None) -> list[tuple[float | None, int]]:
    """The largest first (the row's order), only those in `state_units` when given."""
    picked: list[tuple[float | None, int]] = []
    for index, unitid in enumerate(found.unitids):
        if state_units is None or unitid in state_units:
            picked.append((None, index))
            if len(picked) == limit:
                break
    return picked


def programmes_for(
    soc: str, *, point: tuple[float, float] | None = None, state: str = "", near: str = "", limit: int = 10
) -> Programmes | None:
    """The institutions preparing for `soc`: nearest to `point` first; without one, the largest in `state` (a
    state or a nonmetropolitan area has no one point) or nationally. None when the crosswalk links no program."""
    found = _occupation(soc)
    if found is None:
        return None
    directory = _directory()
    if point is not None:
        picked: list[tuple[float | None, int]] = list(nearest(found, point[0], point[1], limit))
    else:
        picked = _largest(found, limit, directory.by_state.get(state, frozenset()) if state else None)
    chosen = [found.unitids[index] for _, index in picked]
    offered: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    # by the unique index (institution, year, program, level): the ten institutions' programs that feed `soc`
    for unitid, code, level, total in (
        InstitutionCompletions.objects.filter(
            institution_id__in=chosen, academic_year=found.academic_year, program_code__in=list(found.details)
        )
        .order_by("-total", "program_code", "award_level")
        .values_list("institution_id", "program_code", "award_level", "total")
    ):
        offered[unitid].append((code, level, total))
    schools = [_school(found.unitids[i], miles, offered[found.unitids[i]], found, directory) for miles, i in picked]
    return Programmes(found.academic_year, near, schools, len(found.unitids))


def _school(
    unitid: int, miles: float | None, offered: list[tuple[str, int, int]], found: _Occupation, directory: _Directory
) -> ProgrammeSchool:
    name, city, state, url = directory.names[unitid]
    listed = []
    for code, level, total in offered:
        title, others = found.details[code]
        label = AWARD_LEVELS.get(level, f"Award level {level}")
        listed.append(Programme(code, str(title), label, total, int(others)))
    if url and not url.lower().startswith(("http://", "https://")):
        url = f"https://{url}"
    return ProgrammeSchool(
        unitid, name, city, state, url, None if miles is None else round(miles, 1),
        sum(p.completions for p in listed), listed,
    )  # fmt: skip
