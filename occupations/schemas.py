"""API contract for SOC occupations and their O*NET descriptions."""

from ninja import Schema
from pydantic import Field

from lib.api import OCCUPATION_CODE_PATTERN


class OccupationRef(Schema):
    code: str
    title: str


class OnetOut(Schema):
    code: str = Field(description="O*NET-SOC code, e.g. 15-1252.00.")
    title: str
    description: str
    job_zone: int | None


class OccupationPath(Schema):
    soc_code: str = Field(
        description="SOC 2018 code (15-1252) or O*NET-SOC code (15-1252.00), which names its SOC occupation.",
        pattern=OCCUPATION_CODE_PATTERN,
        examples=["15-1252", "29-1141.00"],
    )
