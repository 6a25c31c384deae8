"""GET /locations/resolve and GET /areas."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from geo.models import Area
from geo.resolve import Outcome, Place, Resolution, resolve
from geo.schemas import AreaOut
from lib.api import ERRORS, PLACE_MAX_LENGTH, PLACE_PATTERN, TEXT_PATTERN, PagePagination, Problem
from lib.problems import ApiProblem, problem_response

router = Router(tags=["locations"])


def place_or_problem(text: str, field: str = "location") -> Place:
    """The place `text` names, or the problem to answer with: ambiguous, unknown or invalid."""
    return _place_or_problem(resolve(text), field)


def place_problem(result: Resolution, field: str = "location") -> HttpResponse:
    """The problem answer for a place that did not resolve, for views outside the API (downloads)."""
    try:
        _place_or_problem(result, field)
    except ApiProblem as problem:
        return problem_response(problem.status, problem.title, problem.detail, **problem.extra)
    raise ValueError(f"{result.query!r} resolves to a place")


def _place_or_problem(result: Resolution, field: str) -> Place:
    if result.place:
        return result.place
    if result.choices:
        # 300 Multiple Choices: the name is valid, it just means several places; the body lists them.
        raise ApiProblem(
            300,
            "Several places match",
            f"Several places match “{result.query}”; ask again with one of the choices.",
            choices=result.choices,
        )
    if result.kind == Outcome.UNKNOWN:
        raise ApiProblem(404, "Unknown location", result.error, suggestions=result.suggestions)
    raise ApiProblem(422, "Invalid location", result.error, errors=[{"field": field, "message": result.error}])


class ResolutionOut(Schema):
    query: str
    label: str | None = Field(description="The place understood, e.g. 'Austin, TX'; null when ambiguous.")
    area: AreaOut | None = Field(description="The OEWS area whose estimates apply.")
    choices: list[str] = Field(description="When several places match: pick one and ask again.")


class ResolveQuery(Schema):
    q: str = Field(
        description="'City, ST', 'City, State', a ZIP code or a metro area name.",
        max_length=PLACE_MAX_LENGTH,
        pattern=PLACE_PATTERN,
    )


@router.get(
    "/resolve",
    response={200: ResolutionOut, 404: Problem, **ERRORS},
    summary="Resolve a place",
    operation_id="resolve_location",
)
def resolve_location(request: HttpRequest, query: Query[ResolveQuery]) -> ResolutionOut:
    """The OEWS area a place resolves to, or the choices when the name is ambiguous."""
    result = resolve(query.q)
    if result.kind == Outcome.AMBIGUOUS:
        return ResolutionOut(query=result.query, label=None, area=None, choices=result.choices)
    place = _place_or_problem(result, "q")
    return ResolutionOut(query=result.query, label=place.label, area=AreaOut.of(place.area), choices=[])


areas_router = Router(tags=["wages"])


class AreaQuery(Schema):
    q: str | None = Field(
        None, description="Words in the area's name, or the start of its code.", max_length=100, pattern=TEXT_PATTERN
    )
    type: Area.Kind | None = Field(None, description="Only areas of this kind.")


@areas_router.get("", response={200: list[AreaOut], **ERRORS}, summary="OEWS areas", operation_id="list_areas")
@paginate(PagePagination, page_size=50, prepare=lambda areas: [AreaOut.of(area) for area in areas])
def areas(request: HttpRequest, query: Query[AreaQuery]) -> QuerySet[Area]:
    """OEWS estimation areas by name or code."""
    found = Area.objects.order_by("code")
    if query.q:
        text = query.q.strip()
        found = found.filter(Q(name__icontains=text) | Q(code__startswith=text))
    if query.type:
        found = found.filter(kind=query.type)
    return found
