"""GET /locations/resolve."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from geo.resolve import Place, resolve
from lib.api import ERRORS, PLACE_MAX_LENGTH, PLACE_PATTERN, Problem
from lib.problems import ApiProblem
from wages.schemas import AreaOut

router = Router(tags=["locations"])


def place_or_problem(text: str, field: str = "location") -> Place:
    """The place `text` names, or the problem to answer with: ambiguous, unknown or invalid."""
    result = resolve(text)
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
    if "couldn't find" in result.error:
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


@router.get("/resolve", response={200: ResolutionOut, 404: Problem, **ERRORS}, summary="Resolve a place")
def resolve_location(request: HttpRequest, query: Query[ResolveQuery]) -> ResolutionOut:
    """The OEWS area a place resolves to, or the choices when the name is ambiguous."""
    result = resolve(query.q)
    if result.place:
        return ResolutionOut(
            query=result.query, label=result.place.label, area=AreaOut.of(result.place.area), choices=[]
        )
    if result.choices:
        return ResolutionOut(query=result.query, label=None, area=None, choices=result.choices)
    if "couldn't find" in result.error:
        raise ApiProblem(404, "Unknown location", result.error, suggestions=result.suggestions)
    raise ApiProblem(422, "Invalid location", result.error, errors=[{"field": "q", "message": result.error}])
