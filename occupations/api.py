"""GET /occupations/{soc_code}."""

import re

from django.http import HttpRequest
from ninja import Path, Router, Schema
from pydantic import Field

from lib.api import ERRORS, SOC_PATTERN, Problem
from lib.problems import ApiProblem
from occupations.models import Occupation
from roles.models import Role

router = Router(tags=["occupations"])
SOC = re.compile(r"^\d{2}-\d{4}$")


class OccupationRef(Schema):
    code: str
    title: str


class OnetOut(Schema):
    code: str = Field(description="O*NET-SOC code, e.g. 15-1252.00.")
    title: str
    description: str
    job_zone: int | None


class RoleRef(Schema):
    slug: str
    title: str
    url: str


class OccupationOut(Schema):
    code: str = Field(description="SOC 2018 code.")
    title: str
    level: str = Field(description="total, major, minor, broad or detailed.")
    parent: OccupationRef | None
    children: list[OccupationRef]
    onet: list[OnetOut] = Field(description="O*NET occupations describing it (O*NET 30.1).")
    roles: list[RoleRef] = Field(description="Roles whose figures come from this occupation.")


class OccupationPath(Schema):
    soc_code: str = Field(description="SOC 2018 code, e.g. 15-1252.", pattern=SOC_PATTERN, examples=["15-1252"])


@router.get("/{soc_code}", response={200: OccupationOut, 404: Problem, **ERRORS}, summary="Occupation")
def occupation(request: HttpRequest, path: Path[OccupationPath]) -> OccupationOut:
    """A SOC occupation with its place in the hierarchy, its O*NET description and its roles."""
    soc_code = path.soc_code
    if not SOC.match(soc_code):
        raise ApiProblem(
            422,
            "Invalid occupation code",
            f"“{soc_code[:40]}” is not a SOC code like 15-1252.",
            errors=[{"field": "soc_code", "message": "expected a SOC code like 15-1252"}],
        )
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
        roles=[
            RoleRef(slug=r.slug, title=r.title, url=r.get_absolute_url())
            for r in Role.objects.filter(occupation=found).order_by("-is_curated", "title")
        ],
    )
