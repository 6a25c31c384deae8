"""How a posting's pay compares with the OEWS band for its role where the job is: below the 25th percentile, within
the 25th-75th, or above the 75th. The comparison speaks the employer's unit (an hourly band for hourly pay) and
falls back as the role page does (the area, then its state, then the nation), saying so. Looked up for a whole
page of postings in one query."""

from dataclasses import dataclass
from decimal import Decimal

from geo.models import NATIONAL
from geo.resolve import national_area
from jobs.models import Posting
from wages.models import Release, money
from wages.queries import Located, current_release, figures_codes, located_estimates


@dataclass(frozen=True)
class PayComparison:
    verdict: str  # "below", "within", "above"
    low: Decimal | int
    high: Decimal | int
    unit: str  # "hour" or "year": the unit the employer wrote the pay in
    area_name: str
    release: str
    note: str = ""  # where the band comes from, when not the posting's own area

    @property
    def band(self) -> str:
        per = "an hour" if self.unit == "hour" else "a year"
        return f"{money(self.low, self.unit)}-{money(self.high, self.unit)} {per}"

    @property
    def sentence(self) -> str:
        where = {
            "below": "below the 25th percentile",
            "within": "within the 25th-75th percentile band",
            "above": "above the 75th percentile",
        }[self.verdict]
        said = f"Pay is {where} for this role in {self.area_name} ({self.band}, BLS OEWS {self.release})."
        return f"{said} {self.note}" if self.note else said


def _midpoint(posting: Posting) -> Decimal | None:
    values = [value for value in (posting.salary_min, posting.salary_max) if value is not None]
    return sum(values, Decimal(0)) / len(values) if values else None


def compare(posting: Posting, located: Located, release: Release) -> PayComparison | None:
    """The comparison of one posting's pay with the band `located` found, in the unit the pay was written in."""
    estimate, pay = located.estimate, _midpoint(posting)
    if estimate is None or pay is None or posting.salary_period not in (Posting.Period.HOUR, Posting.Period.YEAR):
        return None
    unit = "hour" if posting.salary_period == Posting.Period.HOUR else "year"
    prefix = "hourly" if unit == "hour" else "annual"
    low, high = getattr(estimate, f"{prefix}_p25"), getattr(estimate, f"{prefix}_p75")
    if low is None or high is None:
        return None  # BLS publishes no band in this unit here (an hourly-only occupation paid by the year)
    verdict = "below" if pay < low else "above" if pay > high else "within"
    name = "the United States" if estimate.area_id == NATIONAL else estimate.area.name
    return PayComparison(verdict, low, high, unit, name, release.name, located.note)


def pay_comparisons(postings: list[Posting]) -> dict[int, PayComparison]:
    """posting id -> comparison, for postings with a role and pay; each in its area, else its state, else national
    (a remote posting or one without a known place: national)."""
    release = current_release()
    wanted = [p for p in postings if p.role_id and p.role and _midpoint(p) is not None]
    if release is None or not wanted:
        return {}
    nation = national_area()
    codes = figures_codes({p.role.occupation_id for p in wanted if p.role}, release)
    pairs = {p.pk: (codes[p.role.occupation_id], p.area or nation) for p in wanted if p.role}
    found = located_estimates(pairs.values(), release)
    result = {}
    for posting in wanted:
        code, area = pairs[posting.pk]
        comparison = compare(posting, found[(code, area.code)], release)
        if comparison is not None:
            result[posting.pk] = comparison
    return result
