"""GET /locations/resolve and GET /areas."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from geo.models import Area
from geo.resolve import Outcome, resolve
from geo.schemas import AreaOut
from lib.api import ERRORS, PLACE_MAX_LENGTH, PLACE_PATTERN, TEXT_PATTERN, PagePagination, Problem
from lib.api_csv import Format, csv_rows, format_field

router = Router(tags=["locations"])


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
    place = result.place_or_problem("q")
    return ResolutionOut(query=result.query, label=place.label, area=AreaOut.of(place.area), choices=[])


areas_router = Router(tags=["wages"])


class AreaQuery(Schema):
    q: str | None = Field(
        None, description="Words in the area's name, or the start of its code.", max_length=100, pattern=TEXT_PATTERN
    )
    type: Area.Kind | None = Field(None, description="Only areas of this kind.")
    format: Format | None = format_field()


@areas_router.get("", response={200: list[AreaOut], **ERRORS}, summary="OEWS areas", operation_id="list_areas")
@csv_rows(AreaOut, filename="oews-areas.csv")
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
