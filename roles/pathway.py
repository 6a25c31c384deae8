"""The job seeker's path (issue 19): the outlook (BLS Employment Projections), how to get in (BLS's typical entry
education, work experience and on-the-job training; O*NET's job zone and education survey) and the next steps (O*NET's
related occupations with their pay and the skills they share). Everything here depends on the occupation and the
release only, so it is built with the role profile (`roles.profiles`) and stored in its payload under the keys
"outlook", "entry" and "next_steps"; the local pay of the next steps is added per place by `roles.card`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from market.models import Projection

ALL_OCCUPATIONS = "00-0000"
TOP = 10  # how many of an occupation's skills (and knowledge areas) by O*NET importance count as its top ones
PROJECTIONS_SOURCE = "U.S. Bureau of Labor Statistics, Employment Projections {period} (occupation.xlsx, table 1.2)"
APPRENTICESHIP = "apprenticeship"


@dataclass(frozen=True)
class Outlook:
    """BLS's projection for the occupation against the all-occupations total (employment and openings in thousands,
    as BLS publishes them)."""

    period: str
    code: str
    title: str
    employment_base: Decimal
    employment_target: Decimal
    change: Decimal
    change_percent: Decimal
    openings: Decimal
    all_change_percent: Decimal | None

    @property
    def base_year(self) -> int:
        return int(self.period[:4])

    @property
    def target_year(self) -> int:
        return self.base_year + 10

    @property
    def source(self) -> str:
        return PROJECTIONS_SOURCE.format(period=self.period)

    @property
    def against_average(self) -> str:
        """ "higher than", "lower than" or "the same as" the all-occupations change (no label of our own)."""
        if self.all_change_percent is None:
            return ""
        if self.change_percent > self.all_change_percent:
            return "higher than"
        return "lower than" if self.change_percent < self.all_change_percent else "the same as"

    @property
    def ratio(self) -> Decimal | None:
        """The occupation's percent change as a multiple of the all-occupations one (None when that is not growth)."""
        if not self.all_change_percent or self.all_change_percent <= 0:
            return None
        return (self.change_percent / self.all_change_percent).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Entry:
    """BLS's education and training categories for the occupation (Employment Projections, table 1.2)."""

    period: str
    education: str
    work_experience: str
    job_training: str

    @property
    def apprenticeship(self) -> bool:
        return APPRENTICESHIP in self.job_training.lower()

    @property
    def source(self) -> str:
        return PROJECTIONS_SOURCE.format(period=self.period)


@dataclass(frozen=True)
class Overlap:
    """How many of a related occupation's top skills (or knowledge areas) this occupation has among its own top ones,
    and the rest, to build, most important first."""

    top: int
    shared: list[str]
    build: list[str]


@dataclass
class NextStep:
    """A related occupation (O*NET's order), its national median and the skills and knowledge it shares."""

    soc: str
    figures_code: str
    unit: str  # "year" or "hour": the unit both medians are compared in ("" when they cannot be)
    median: Decimal | None
    difference: Decimal | None  # its median minus this occupation's, in `unit`
    skills: Overlap
    knowledge: Overlap
    local_median: Decimal | None = None
    local_difference: Decimal | None = None
    local_area: str = ""
    role: Any = field(default=None)  # the roles.Role, attached by roles.card


# Building (JSON for the profile payload) ---------------------------------------------------------------------------


def totals(period: str | None = None) -> Projection | None:
    """The all-occupations line of the newest projections (or of `period`)."""
    rows = Projection.objects.filter(code=ALL_OCCUPATIONS)
    if period:
        rows = rows.filter(period=period)
    return rows.order_by("-period").first()


def outlook_json(projection: Projection | None, total: Projection | None) -> dict[str, Any] | None:
    if projection is None:
        return None
    same_period = total is not None and total.period == projection.period
    return {
        "period": projection.period,
        "code": projection.code,
        "title": projection.title,
        "employment_base": str(projection.employment_base),
        "employment_target": str(projection.employment_target),
        "change": str(projection.change),
        "change_percent": str(projection.change_percent),
        "openings": str(projection.openings),
        "all_change_percent": str(total.change_percent) if same_period and total else None,
    }


def entry_json(projection: Projection | None) -> dict[str, Any] | None:
    if projection is None or not (projection.entry_education or projection.job_training):
        return None
    return {
        "period": projection.period,
        "education": projection.entry_education,
        "work_experience": projection.work_experience,
        "job_training": projection.job_training,
    }


def _overlap_json(mine: list[list[Any]], theirs: list[list[Any]]) -> dict[str, Any]:
    own = {row[0] for row in mine[:TOP]}
    names = [row[0] for row in theirs[:TOP]]
    return {
        "top": len(names),
        "shared": [n for n in names if n in own],
        "build": [n for n in names if n not in own],
    }


def _median(national: dict[str, Any] | None, unit: str) -> Decimal | None:
    if national is None:
        return None
    value = national["estimate"].get("annual_median" if unit == "year" else "hourly_median")
    return None if value in (None, "") else Decimal(str(value))


def next_steps_json(
    soc: str, related: list[str], parts: Mapping[str, dict[str, Any]], nationals: Mapping[str, dict[str, Any] | None]
) -> list[dict[str, Any]]:
    """The related occupations with their national median and its difference from this occupation's (annual where
    both publish one, else hourly), and their top skills and knowledge against this occupation's."""
    own = parts.get(soc, {})
    steps = []
    for code in related:
        theirs = parts.get(code, {})
        national, mine = nationals.get(code), nationals.get(soc)
        unit, median, difference = "", None, None
        for candidate in ("year", "hour"):
            median, base = _median(national, candidate), _median(mine, candidate)
            if median is not None and base is not None:
                unit, difference = candidate, median - base
                break
        steps.append(
            {
                "soc": code,
                "figures_code": national["estimate"]["occupation_id"] if national else code,
                "unit": unit,
                "median": str(median) if unit and median is not None else None,
                "difference": str(difference) if difference is not None else None,
                "skills": _overlap_json(own.get("skills", []), theirs.get("skills", [])),
                "knowledge": _overlap_json(own.get("knowledge", []), theirs.get("knowledge", [])),
            }
        )
    return steps


# Reading -----------------------------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def outlook_of(data: dict[str, Any] | None) -> Outlook | None:
    if not data:
        return None
    return Outlook(
        period=data["period"],
        code=data["code"],
        title=data["title"],
        employment_base=Decimal(data["employment_base"]),
        employment_target=Decimal(data["employment_target"]),
        change=Decimal(data["change"]),
        change_percent=Decimal(data["change_percent"]),
        openings=Decimal(data["openings"]),
        all_change_percent=_dec(data["all_change_percent"]),
    )


def entry_of(data: dict[str, Any] | None) -> Entry | None:
    return Entry(**data) if data else None


def next_steps_of(data: list[dict[str, Any]] | None) -> list[NextStep]:
    return [
        NextStep(
            soc=step["soc"],
            figures_code=step["figures_code"],
            unit=step["unit"],
            median=_dec(step["median"]),
            difference=_dec(step["difference"]),
            skills=Overlap(**step["skills"]),
            knowledge=Overlap(**step["knowledge"]),
        )
        for step in data or []
    ]
