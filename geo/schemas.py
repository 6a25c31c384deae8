"""API contract for places: OEWS areas and place resolution."""

from ninja import Schema
from pydantic import Field

from geo.models import Area


class AreaOut(Schema):
    code: str = Field(description="BLS 7-digit OEWS area code: 0000000 national, 0600000 California, 0041940 a metro.")
    name: str
    kind: str = Field(description="national, state, territory, metro or nonmetro.")
    state: str = Field(description="Primary state's postal abbreviation; empty for national.")

    @staticmethod
    def of(area: Area) -> "AreaOut":
        return AreaOut(code=area.code, name=area.name, kind=area.kind, state=area.state_abbr)
