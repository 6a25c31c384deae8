"""Roles x places, as /compare/, its downloads and GET /api/v1/compare show them: every cell read the way the role
page reads its local figures (the place's area, then its state, then the nation; the market apportioned to the area,
or rolescope's own counts where they suffice), the profile of each role read once and the estimates in one query.

A place that does not resolve to one place (several match, none does, or the text is not a place) is a column that
asks for a choice or a correction: the other places are answered all the same."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from geo.models import NATIONAL, Area
from geo.resolve import Outcome, Resolution, gazetteer, resolve
from lib.problems import ApiProblem
from market.difficulty import MarketEstimate, local_markets
from market.platform import platform_counts, platform_market
from roles.card import role_by_slug
from roles.lookup import role_or_problem
from roles.models import Role
from roles.profiles import NationalFigures, national_figures_read
from roles.search import search_roles
from wages.models import Figure, Release
from wages.queries import Located, located_estimates, release_or_problem
from wages.summary import WageSummary

PAGE_LIMIT = 5  # roles and places on the page (CareerOneStop's 1-5)
API_LIMIT = 10  # roles and places in one API call
UNITS = ("published", "annual", "hourly")
# The figures of a cell, in the order the table shows them: (key, label).
WAGE_KEYS: tuple[tuple[str, str], ...] = (
    ("p10", "10th percentile"),
    ("p25", "Low (25th)"),
    ("median", "Medium (median)"),
    ("p75", "High (75th)"),
    ("p90", "90th percentile"),
    ("mean", "Mean"),
)


@dataclass(frozen=True)
class Column:
    """One place asked for (or the nation when none was): what was typed and what it resolved to."""

    query: str
    resolution: Resolution | None  # None: the nation

    @cached_property
    def area(self) -> Area | None:
        if self.resolution is None:
            return gazetteer().areas[NATIONAL]
        return self.resolution.place.area if self.resolution.place else None

    @cached_property
    def label(self) -> str:
        if self.resolution is None:
            return "United States"
        return self.resolution.place.label if self.resolution.place else self.query

    @property
    def status(self) -> str:
        """found, ambiguous, unknown or invalid (geo.resolve.Outcome); found for the nation."""
        return str(Outcome.FOUND if self.resolution is None else self.resolution.kind)

    @property
    def message(self) -> str:
        return "" if self.resolution is None or self.resolution.place else self.resolution.message


@dataclass
class Cell:
    """One role in one place: the estimate that answers (`located`), in the unit shown, against the nation. Its
    figures are worked out once each (the page, the chart and the downloads read them several times)."""

    role: Role
    column: Column
    located: Located
    summary: WageSummary | None
    national: WageSummary | None
    market: MarketEstimate | None
    unit: str  # "year" or "hour": the unit shown, the one asked for where BLS publishes it
    unit_note: str = ""

    @property
    def prefix(self) -> str:
        return "annual" if self.unit == "year" else "hourly"

    def figure(self, key: str) -> Figure | None:
        return self.summary.figure(f"{self.prefix}_{key}") if self.summary else None

    @cached_property
    def figures(self) -> list[tuple[str, str, Figure | None]]:
        return [(key, label, self.figure(key)) for key, label in WAGE_KEYS]

    @cached_property
    def employment(self) -> Figure | None:
        return self.summary.employment if self.summary else None

    @cached_property
    def difference(self) -> Decimal | None:
        """Percent difference of this median from the national median, in the unit shown."""
        if self.summary is None or self.national is None:
            return None
        here = self.summary.figure(f"{self.prefix}_median").value
        there = self.national.figure(f"{self.prefix}_median").value
        if not here or not there:
            return None
        return ((Decimal(here) - Decimal(there)) * 100 / Decimal(there)).quantize(Decimal("0.1"))

    @cached_property
    def reliability(self) -> list[str]:
        """The reliability flags: relative standard errors above 10 percent."""
        return self.summary.less_reliable if self.summary else []

    @cached_property
    def notes(self) -> list[str]:
        """Every sentence the cell needs: where its figures come from, its unit, BLS's symbols."""
        notes = [self.located.note] if self.located.note else []
        notes += [self.unit_note] if self.unit_note else []
        return notes + (self.summary.notes if self.summary else [])

    @cached_property
    def area_name(self) -> str:
        return self.summary.area_name if self.summary else ""


@dataclass
class Comparison:
    release: Release
    roles: list[Role]
    columns: list[Column]
    unit: str  # published, annual or hourly
    cells: list[Cell] = field(default_factory=list)

    @property
    def answered(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.summary is not None]

    @property
    def citations(self) -> list[str]:
        cited = [self.release.citation]
        for cell in self.cells:
            if cell.market is not None:
                cited += sorted({c.source for c in cell.market.citations} - set(cited))
        return cited


def listed(values: list[str], field_name: str, limit: int) -> list[str]:
    """The non-blank values, each once, in order; a plain-language 422 when more than `limit` are given."""
    given = [value.strip() for value in values if value and value.strip()]
    kept = list(dict.fromkeys(given))
    if len(given) > limit:
        raise ApiProblem(
            422,
            "Too many values",
            f"Compare at most {limit} {field_name} at once; {len(given)} were given. Split them into several calls.",
            errors=[{"field": field_name, "message": f"at most {limit} values"}],
        )
    return kept


def shown_unit(summary: WageSummary | None, asked: str) -> tuple[str, str]:
    """The unit a cell is shown in, and a sentence when it is not the one asked for: BLS's own for `published`;
    the one asked for where BLS publishes it, else the one it publishes."""
    published = summary.unit if summary else "year"
    if summary is None or asked == "published":
        return published, ""
    wanted = "year" if asked == "annual" else "hour"
    if wanted == "hour" and summary.estimate.annual_only:
        return "year", "Shown annually: BLS publishes annual wages only for this occupation."
    if wanted == "year" and summary.estimate.hourly_only:
        return "hour", "Shown hourly: BLS publishes hourly wages only for this occupation."
    return wanted, ""


def _markets(profiles: dict[str, NationalFigures], roles: list[Role], areas: list[Area]) -> dict[Any, Any]:
    """(role slug, area code) -> the market the role page shows for the area: rolescope's counts where they
    suffice, else the public estimate apportioned to the area (market.difficulty.local_markets, one query)."""
    public = local_markets([(profiles[role.slug].market, area) for role in roles for area in areas])
    markets = {}
    for role in roles:
        for area in areas:
            counts = platform_counts(role.occupation_id, None if area.code == NATIONAL else area)
            markets[(role.slug, area.code)] = (
                platform_market(counts, role.occupation_id)
                if counts.sufficient
                else public[(profiles[role.slug].market.occupation_code, area.code)]
            )
    return markets


def _titled(text: str) -> Role | None:
    """The role whose title (or an O*NET title of its occupation) is exactly `text`: what the autocomplete fills in."""
    hits = search_roles(text, limit=1)
    if hits and text.casefold() in (hits[0].title.casefold(), hits[0].matched.casefold()):
        return role_by_slug(hits[0].slug)
    return None


def roles_of(texts: list[str]) -> tuple[list[Role], list[ApiProblem]]:
    """The roles named (slugs, SOC or O*NET-SOC codes), each once, and the problem for each text naming none."""
    roles: dict[str, Role] = {}
    problems: list[ApiProblem] = []
    for text in texts:
        try:
            found: Role | None = role_or_problem(text)
        except ApiProblem as problem:
            found = _titled(text)
            if found is None:
                problems.append(problem)
                continue
        if found is not None:
            roles.setdefault(found.slug, found)
    return list(roles.values()), problems


def compare(roles: list[Role], place_texts: list[str], *, year: int = 0, unit: str = "published") -> Comparison:
    """The comparison of the roles across the places (none: the nation) in release `year` (0: the current one). An
    unknown release is a problem raised; a place that does not resolve is a column with its message."""
    release = release_or_problem(year or None)
    columns = [Column(text, resolve(text)) for text in place_texts] or [Column("", None)]
    comparison = Comparison(release=release, roles=roles, columns=columns, unit=unit)
    figures = national_figures_read([role.occupation_id for role in roles], release)
    profiles = {role.slug: figures[role.occupation_id] for role in roles}
    codes = {
        slug: profile.national.estimate.occupation_id
        for slug, profile in profiles.items()
        if profile.national is not None
    }
    areas = [column.area for column in columns if column.area is not None]
    markets = _markets(profiles, roles, areas)
    found = located_estimates([(code, area) for code in codes.values() for area in areas], release)
    for role in roles:
        profile = profiles[role.slug]
        for column in columns:
            area = column.area
            if area is None or role.slug not in codes:
                continue
            located = found[(codes[role.slug], area.code)]
            summary = WageSummary(located.estimate, release) if located.estimate else None
            shown, note = shown_unit(summary, unit)
            comparison.cells.append(
                Cell(
                    role=role,
                    column=column,
                    located=located,
                    summary=summary,
                    national=profile.national,
                    market=markets[(role.slug, area.code)],
                    unit=shown,
                    unit_note=note,
                )
            )
    return comparison
