"""GET /roles, GET /roles/{slug} (the role card) and GET /compare."""

import re
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from geo.resolve import place_or_problem
from geo.schemas import AreaOut
from lib.api import (
    ERRORS,
    NAME_PATTERN,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    ROLE_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    PagePagination,
    Problem,
)
from lib.api_csv import Format, csv_answer, csv_rows, format_field, wants_csv
from lib.api_http import JsonAnswer
from lib.problems import ApiProblem
from occupations.models import Occupation, OnetOccupation
from occupations.schemas import OccupationPath, OccupationRef, OnetOut
from occupations.services import soc_code_of
from roles.card import role_card, role_slugs
from roles.compare import API_LIMIT, Cell, Column, compare, listed
from roles.lookup import category_or_problem, role_or_problem
from roles.models import Role
from roles.schemas import OccupationOut, RoleCardOut, RoleRef, RoleSummary, role_summary
from roles.search import RoleHit, search_roles
from wages.bulk import PREFIX_PATTERN, code_prefix
from wages.queries import release_or_problem
from wages.schemas import ReleaseOut, release_field

router = Router(tags=["roles"])
compare_router = Router(tags=["compare"])
occupations_router = Router(tags=["occupations"])


class RoleListQuery(Schema):
    q: str | None = Field(
        None,
        description="Search titles, O*NET alternate and reported titles (typo tolerant).",
        max_length=100,
        pattern=TEXT_PATTERN,
    )
    category: str | None = Field(
        None, description="Category slug, e.g. technical.", max_length=50, pattern=SLUG_PATTERN
    )
    format: Format | None = format_field()


def _role_summaries(items: list[Role | RoleHit]) -> list[RoleSummary]:
    """One page of roles (or search hits, with the title that matched), with one query for the hits' roles."""
    slugs = [item.slug for item in items if isinstance(item, RoleHit)]
    by_slug = Role.objects.select_related("category").in_bulk(slugs, field_name="slug") if slugs else {}
    summaries = []
    for item in items:
        if isinstance(item, Role):
            summaries.append(role_summary(item))
        elif item.slug in by_slug:
            summaries.append(role_summary(by_slug[item.slug], item.matched))
    return summaries


@router.get(
    "",
    response={200: list[RoleSummary], 404: Problem, **ERRORS},
    summary="Search and list roles",
    operation_id="list_roles",
)
@csv_rows(RoleSummary, filename="rolescope-roles.csv")
@paginate(PagePagination, page_size=25, prepare=_role_summaries)
def roles(request: HttpRequest, query: Query[RoleListQuery]) -> list[RoleHit] | QuerySet[Role]:
    """Roles A-Z, or the best matches for `q`; each with the SOC code of its figures."""
    category = category_or_problem(query.category) if query.category else None
    if query.q and query.q.strip():
        return [hit for hit in search_roles(query.q, limit=100) if category is None or hit.category == category.name]
    found = Role.objects.select_related("category").order_by("title")
    return found.filter(category=category) if category is not None else found


class CardQuery(Schema):
    location: str | None = Field(
        None,
        description="'City, ST', 'City, State', a ZIP code or a metro area name.",
        max_length=PLACE_MAX_LENGTH,
        pattern=PLACE_PATTERN,
    )
    release: int | None = release_field()


class RolePath(Schema):
    slug: str = Field(
        description="The role's slug (back-end-developer), or the SOC or O*NET-SOC code of its occupation "
        "(29-1141, 29-1141.00).",
        examples=["back-end-developer", "29-1141.00"],
        max_length=120,
        pattern=ROLE_PATTERN,
    )


@router.get(
    "/{slug}", response={200: RoleCardOut, **PLACE_ANSWERS, **ERRORS}, summary="Role card", operation_id="get_role_card"
)
def role(request: HttpRequest, path: Path[RolePath], query: Query[CardQuery]) -> HttpResponse:
    """Everything the role page shows, nationally and for `location`: the same figures as the page."""
    return card_answer(path.slug, query.location, query.release or 0).response()


def card_answer(slug: str, location: str | None, year: int) -> JsonAnswer:
    """The answer to one card request as asked: the role, the place and the release resolved, the card's JSON and
    its ETag. Problems (an unknown role, place or release) are raised."""
    if slug not in role_slugs():
        slug = role_or_problem(slug).slug  # a SOC or O*NET-SOC code: the role of its occupation
    label = place_or_problem(location).label if location is not None else ""
    year = release_or_problem(year).year if year else 0
    return JsonAnswer.of(card_body(slug, label, year))


def card_body(slug: str, label: str, year: int) -> bytes:
    """A role card's JSON with the wages of release `year` (0: the current one). An unknown role is a problem."""
    role = role_or_problem(slug)
    return RoleCardOut.of(role_card(role, label or None, year)).model_dump_json().encode()


class CompareQuery(Schema):
    roles: str = Field(
        description="Up to 10 roles, comma-separated: slugs, titles as the role search writes them, or SOC / "
        "O*NET-SOC codes of their occupations.",
        examples=["software-developers,registered-nurses", "15-1252,29-1141.00"],
        min_length=1,
        max_length=1300,
        pattern=NAME_PATTERN,
    )
    locations: str | None = Field(
        None,
        description="Up to 10 places, separated by ';' (or '|'). National if empty. A place that does not resolve "
        "to one place is answered in `locations` (its choices or suggestions); the others are answered all the same.",
        examples=["Austin, TX;94086"],
        max_length=1100,
        pattern=TEXT_PATTERN,
    )
    unit: Literal["published", "annual", "hourly"] = Field(
        "published",
        description="The unit of the wage figures: as BLS publishes each occupation (hourly for hourly-only "
        "occupations, else annual), or annual or hourly wherever BLS publishes that unit.",
    )
    release: int | None = release_field()


class CompareLocation(Schema):
    query: str = Field(description="The place as written; empty for the nation when no place was given.")
    status: Literal["found", "ambiguous", "unknown", "invalid"] = Field(
        description="found: answered in `results`; ambiguous: ask again with one of `choices`; unknown: see "
        "`suggestions`; invalid: not something a place could be called."
    )
    label: str = Field(description="The place as understood (found), else the text as written.")
    area: AreaOut | None = Field(description="The OEWS area the place lies in (found).")
    choices: list[str] = Field(description="Places that match an ambiguous name; each resolves.")
    suggestions: list[str] = Field(description="Close matches for an unknown place.")
    message: str = Field(description="What to do, when the place was not found.")


class CompareCell(Schema):
    role: str
    role_title: str
    soc_code: str = Field(
        description="The occupation whose estimates are shown (the role's, or its nearest SOC parent)."
    )
    location: str = Field(description="The place as understood, or 'United States'.")
    area: AreaOut = Field(description="The area whose estimate is shown (the state or nation when unpublished).")
    area_note: str = Field(description="Where the figures come from, when not the place's own area.")
    wage_unit: Literal["year", "hour"] = Field(
        description="The unit of low/medium/high/p10/p90/mean: the one asked for where BLS publishes it."
    )
    p10: float | None = Field(description="10th percentile in wage_unit.")
    low: float | None = Field(description="25th percentile in wage_unit.")
    medium: float | None = Field(description="Median in wage_unit.")
    high: float | None = Field(description="75th percentile in wage_unit.")
    p90: float | None = Field(description="90th percentile in wage_unit.")
    mean: float | None = Field(description="Mean in wage_unit.")
    annual_p25: int | None
    annual_median: int | None
    annual_p75: int | None
    hourly_p25: float | None
    hourly_median: float | None
    hourly_p75: float | None
    employment: int | None = Field(description="Employment in the area shown (null where BLS publishes a symbol).")
    difference_from_national_percent: float | None = Field(
        description="The median against the national median in wage_unit, percent."
    )
    hiring_difficulty: float | None = Field(description="0 more difficult, 100 less difficult.")
    hiring_difficulty_label: str
    market_basis: Literal["public", "rolescope"]
    less_reliable: list[str] = Field(description="Relative standard errors above 10 percent, in words.")
    special: dict[str, str] = Field(description="Field -> BLS symbol, for the fields of this cell.")
    notes: list[str] = Field(description="The sentences the page shows under these figures.")


class CompareOut(Schema):
    release: ReleaseOut
    unit: Literal["published", "annual", "hourly"]
    locations: list[CompareLocation] = Field(description="Each place asked for, in order, and how it resolved.")
    results: list[CompareCell] = Field(description="One cell per role and resolved place, roles in the order given.")
    citations: list[str]


def split_list(raw: str, field: str, separators: str) -> list[str]:
    """The values of a separated list, each once; a plain-language 422 for none or more than 10."""
    for separator in separators:
        if separator in raw:
            items = raw.split(separator)
            break
    else:
        items = [raw]
    kept = listed(items, field, API_LIMIT)
    if not kept:
        raise ApiProblem(
            422,
            "Invalid request",
            f"Give at least one value in {field}.",
            errors=[{"field": field, "message": "empty"}],
        )
    return kept


@compare_router.get(
    "",
    response={200: CompareOut, 404: Problem, **ERRORS},
    summary="Compare roles and places",
    operation_id="compare",
)
def compare_roles(request: HttpRequest, query: Query[CompareQuery]) -> CompareOut:
    """Every figure /compare/ shows for up to 10 roles in up to 10 places: wages in the unit asked for (each
    occupation's published unit respected), employment, reliability, the difference from the national median and
    hiring difficulty; each place falls back to its state, then the nation, as the role page does. A place that
    does not resolve is answered in `locations` with its choices; an unknown role is a 404."""
    chosen = [role_or_problem(text) for text in split_list(query.roles, "roles", ",")]
    # a value of only spaces and separators is no place: the nation, as an empty one is
    given = query.locations and any(part.strip() for part in re.split(r"[;|]", query.locations))
    places = split_list(query.locations or "", "locations", ";|") if given else []
    chosen = list({role.slug: role for role in chosen}.values())
    comparison = compare(chosen, places, year=query.release or 0, unit=query.unit)
    return CompareOut(
        release=ReleaseOut.of(comparison.release),
        unit=query.unit,
        locations=[compare_location(column) for column in comparison.columns],
        results=[compare_cell(cell) for cell in comparison.answered],
        citations=comparison.citations,
    )


def compare_location(column: Column) -> CompareLocation:
    resolution = column.resolution
    area = column.area
    return CompareLocation(
        query=column.query,
        status=column.status,  # type: ignore[arg-type]
        label=column.label,
        area=AreaOut.of(area) if area is not None else None,
        choices=resolution.choices if resolution else [],
        suggestions=resolution.suggestions if resolution and not resolution.place else [],
        message=column.message,
    )


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def compare_cell(cell: Cell) -> CompareCell:
    summary = cell.summary
    if summary is None:
        raise ValueError("a cell without an estimate is not answered")
    estimate = summary.estimate
    shown = {f"{unit}_{key}" for unit in ("annual", "hourly") for key in ("p25", "median", "p75")}
    shown |= {f"{cell.prefix}_{key}" for key in ("p10", "p90", "mean")} | {"employment"}
    market = cell.market
    wages = {key: _num(figure.value) if figure else None for key, _, figure in cell.figures}
    return CompareCell(
        role=cell.role.slug,
        role_title=cell.role.title,
        soc_code=estimate.occupation_id,
        location=cell.column.label,
        area=AreaOut.of(estimate.area),
        area_note=cell.located.note,
        wage_unit="hour" if cell.unit == "hour" else "year",
        p10=wages["p10"],
        low=wages["p25"],
        medium=wages["median"],
        high=wages["p75"],
        p90=wages["p90"],
        mean=wages["mean"],
        annual_p25=estimate.annual_p25,
        annual_median=estimate.annual_median,
        annual_p75=estimate.annual_p75,
        hourly_p25=_num(estimate.hourly_p25),
        hourly_median=_num(estimate.hourly_median),
        hourly_p75=_num(estimate.hourly_p75),
        employment=estimate.employment,
        difference_from_national_percent=_num(cell.difference),
        hiring_difficulty=_num(market.difficulty) if market else None,
        hiring_difficulty_label=market.difficulty_label if market else "",
        market_basis="rolescope" if market and market.basis == "rolescope" else "public",
        less_reliable=cell.reliability,
        special={name: symbol for name, symbol in (estimate.special or {}).items() if name in shown},
        notes=cell.notes,
    )


class OccupationListQuery(Schema):
    group: str | None = Field(
        None,
        description="Only this SOC group or code prefix: a major group (15 or 15-0000) or a prefix (15-12).",
        pattern=PREFIX_PATTERN,
    )
    level: Literal["total", "major", "minor", "broad", "detailed"] | None = Field(
        None, description="Only occupations at this level of the hierarchy."
    )
    format: Format | None = format_field()


class OccupationRow(Schema):
    code: str = Field(description="SOC 2018 code.")
    title: str
    level: str = Field(description="total, major, minor, broad or detailed.")
    parent: str | None = Field(description="The parent's SOC code.")
    onet_codes: list[str] = Field(description="O*NET-SOC codes describing it (O*NET 30.1).")


class OccupationListOut(Schema):
    count: int
    results: list[OccupationRow]


@occupations_router.get(
    "",
    response={200: OccupationListOut, **ERRORS},
    summary="SOC occupations",
    operation_id="list_occupations",
)
def occupations(request: HttpRequest, query: Query[OccupationListQuery]) -> HttpResponse:
    """The SOC hierarchy in code order (every level, each with its parent), with the O*NET-SOC codes of each
    occupation; filter by group or level. Two queries."""
    found = Occupation.objects.order_by("code")
    if query.group:
        prefix = code_prefix(query.group)
        found = found.filter(code__startswith=prefix) | Occupation.objects.filter(code=f"{prefix[:2]}-0000")
    if query.level:
        found = found.filter(level=query.level)
    onet: dict[str, list[str]] = {}
    for code, soc in OnetOccupation.objects.order_by("code").values_list("code", "occupation_id"):
        onet.setdefault(soc, []).append(code)
    rows = [
        {"code": code, "title": title, "level": level, "parent": parent, "onet_codes": onet.get(code, [])}
        for code, title, level, parent in found.order_by("code").values_list("code", "title", "level", "parent_id")
    ]
    if wants_csv(request, query.format):
        return csv_answer(rows, OccupationRow, "soc-occupations.csv")
    answer = OccupationListOut(count=len(rows), results=[OccupationRow(**row) for row in rows])  # type: ignore[arg-type]
    return JsonAnswer.of(answer.model_dump_json().encode()).response()


@occupations_router.get(
    "/{soc_code}",
    response={200: OccupationOut, 404: Problem, **ERRORS},
    summary="Occupation",
    operation_id="get_occupation",
)
def occupation(request: HttpRequest, path: Path[OccupationPath]) -> OccupationOut:
    """A SOC occupation with its place in the hierarchy, its O*NET description and its roles."""
    soc_code = soc_code_of(path.soc_code) or path.soc_code
    found = Occupation.objects.select_related("parent").filter(code=soc_code).first()
    if found is None:
        near = list(Occupation.objects.filter(code__startswith=soc_code[:5]).values_list("code", flat=True)[:5])
        raise ApiProblem(404, "Unknown occupation", f"There is no occupation {soc_code}.", suggestions=near)
    return OccupationOut(
        code=found.code,
        title=found.title,
        level=found.level,
        parent=OccupationRef(code=found.parent.code, title=found.parent.title) if found.parent else None,
        children=[
            OccupationRef(code=c, title=t) for c, t in found.children.order_by("code").values_list("code", "title")
        ],
        onet=[
            OnetOut(code=o.code, title=o.title, description=o.description, job_zone=o.job_zone_id)
            for o in found.onet_occupations.order_by("code")
        ],
        roles=[RoleRef.of(r) for r in Role.objects.filter(occupation=found).order_by("-is_curated", "title")],
    )
