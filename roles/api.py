"""GET /roles, GET /roles/{slug} (the role card) and GET /compare."""

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from geo.models import NATIONAL
from geo.resolve import gazetteer, place_or_problem
from geo.schemas import AreaOut
from lib.api import (
    ERRORS,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    PLACE_START,
    ROLE_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    PagePagination,
    Problem,
)
from lib.api_http import JsonAnswer
from lib.problems import ApiProblem
from occupations.models import Occupation
from occupations.schemas import OccupationPath, OccupationRef, OnetOut
from occupations.services import soc_code_of
from roles.card import occupation_profile, role_card, role_slugs
from roles.lookup import category_or_problem, role_or_problem
from roles.models import Role
from roles.schemas import OccupationOut, RoleCardOut, RoleRef, RoleSummary, role_summary
from roles.search import RoleHit, search_roles
from wages.queries import Located, located_estimates, release_or_problem
from wages.schemas import ReleaseOut, release_field
from wages.summary import WageSummary

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
        description="Up to 10 roles, comma-separated: slugs, or SOC / O*NET-SOC codes of their occupations.",
        examples=["software-developers,registered-nurses", "15-1252,29-1141.00"],
        max_length=1300,
        pattern=r"^[-a-zA-Z0-9_]+(\.\d{2})?(,[-a-zA-Z0-9_]+(\.\d{2})?){0,9}$",
    )
    locations: str | None = Field(
        None,
        description="Up to 10 places, separated by ';' (or '|'). National if empty.",
        examples=["Austin, TX;94086"],
        max_length=1100,
        # 1-10 places of <= 100 characters, each starting with a letter or digit
        pattern=f"^ *[{PLACE_START}][^;|\\x00]{{0,99}}([;|] *[{PLACE_START}][^;|\\x00]{{0,99}}){{0,9}}$",
    )
    release: int | None = release_field()


class CompareCell(Schema):
    role: str
    soc_code: str
    location: str = Field(description="The place as understood, or 'United States'.")
    area: AreaOut = Field(description="The area whose estimate is shown (the state or nation when unpublished).")
    area_note: str = Field(description="Where the figures come from, when not the place's own area.")
    wage_unit: Literal["year", "hour"] = Field(description="hour for occupations BLS publishes hourly wages only for.")
    low: float | None = Field(description="25th percentile in wage_unit.")
    medium: float | None = Field(description="Median in wage_unit.")
    high: float | None = Field(description="75th percentile in wage_unit.")
    annual_p25: int | None
    annual_median: int | None
    annual_p75: int | None
    hourly_p25: float | None
    hourly_median: float | None
    hourly_p75: float | None
    special: dict[str, str] = Field(description="Field -> BLS symbol, for the fields of this cell.")
    notes: list[str] = Field(description="The sentences the role page shows under these figures.")


class CompareOut(Schema):
    release: ReleaseOut
    results: list[CompareCell]


def split_list(raw: str, field: str, separators: str) -> list[str]:
    for separator in separators:
        if separator in raw:
            items = [item.strip() for item in raw.split(separator)]
            break
    else:
        items = [raw.strip()]
    items = [item for item in items if item]
    if not items:
        raise ApiProblem(
            422,
            "Invalid request",
            f"Give at least one value in {field}.",
            errors=[{"field": field, "message": "empty"}],
        )
    if len(items) > 10:
        raise ApiProblem(
            422,
            "Too many values",
            f"{field} takes at most 10 values; {len(items)} were given.",
            errors=[{"field": field, "message": "at most 10 values"}],
        )
    return items


@compare_router.get(
    "",
    response={200: CompareOut, **PLACE_ANSWERS, **ERRORS},
    summary="Compare roles and places",
    operation_id="compare",
)
def compare(request: HttpRequest, query: Query[CompareQuery]) -> CompareOut:
    """Median, 25th and 75th percentile wage for up to 10 roles in up to 10 places, annual and hourly as BLS
    publishes them; each place falls back to its state, then the nation, as the role page does."""
    chosen = [role_or_problem(slug) for slug in split_list(query.roles, "roles", ",")]
    places = (
        [place_or_problem(text, "locations") for text in split_list(query.locations, "locations", ";|")]
        if query.locations
        else []
    )
    release = release_or_problem(query.release)
    year = release.year if query.release else 0
    national = gazetteer().areas[NATIONAL]
    targets = [(place.label, place.area) for place in places] or [("United States", national)]
    codes = {}
    for role in chosen:
        profile = occupation_profile(role.occupation_id, year)
        if profile.national is not None:
            codes[role.slug] = profile.national.estimate.occupation_id
    found = located_estimates([(code, area) for code in codes.values() for _, area in targets], release)
    results = []
    for role in chosen:
        if role.slug not in codes:
            continue
        code = codes[role.slug]
        for label, area in targets:
            located = found[(code, area.code)]
            if located.estimate is not None:
                results.append(compare_cell(role, label, located, WageSummary(located.estimate, release)))
    return CompareOut(release=ReleaseOut.of(release), results=results)


def compare_cell(role: Role, label: str, located: Located, summary: WageSummary) -> CompareCell:
    estimate = summary.estimate
    fields = ("p25", "median", "p75")

    def num(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    return CompareCell(
        role=role.slug,
        soc_code=estimate.occupation_id,
        location=label,
        area=AreaOut.of(estimate.area),
        area_note=located.note,
        wage_unit="hour" if summary.unit == "hour" else "year",
        low=num(summary.low.value),
        medium=num(summary.medium.value),
        high=num(summary.high.value),
        annual_p25=estimate.annual_p25,
        annual_median=estimate.annual_median,
        annual_p75=estimate.annual_p75,
        hourly_p25=num(estimate.hourly_p25),
        hourly_median=num(estimate.hourly_median),
        hourly_p75=num(estimate.hourly_p75),
        special={
            name: symbol
            for name, symbol in (estimate.special or {}).items()
            if name in {f"{unit}_{key}" for unit in ("annual", "hourly") for key in fields}
        },
        notes=summary.notes,
    )


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
