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
    verdict: str  # "below", "within", "above" (the whole range), or "overlaps" (it reaches across a band edge)
    low: Decimal | int
    high: Decimal | int
    unit: str  # "hour" or "year": the unit the employer wrote the pay in
    area_name: str
    release: str
    note: str = ""  # where the band comes from, when not the posting's own area
    starts: str = ""  # where the range's lower end falls: "below", "within" or "above" the band
    ends: str = ""  # and its upper end
    median: Decimal | int | None = None  # the band's middle, in the same unit

    @property
    def band(self) -> str:
        per = "an hour" if self.unit == "hour" else "a year"
        return f"{money(self.low, self.unit)}-{money(self.high, self.unit)} {per}"

    @property
    def sentence(self) -> str:
        said = f"Pay {self.placement} for this role in {self.area_name} ({self.band}, BLS OEWS {self.release})."
        return f"{said} {self.note}" if self.note else said

    @property
    def placement(self) -> str:
        """Where the pay's range falls against the band: its two ends, not its midpoint."""
        if self.verdict in PLACEMENTS:
            return PLACEMENTS[self.verdict]
        starts = "starts below the 25th percentile" if self.starts == "below" else "starts within the band"
        ends = "reaches above the 75th percentile" if self.ends == "above" else "ends within the band"
        return f"{starts} and {ends}"


PLACEMENTS = {
    "below": "is below the 25th percentile",
    "within": "is within the 25th-75th percentile band",
    "above": "is above the 75th percentile",
}


def _where(value: Decimal, low: Decimal | int, high: Decimal | int) -> str:
    return "below" if value < low else "above" if value > high else "within"


def _range(posting: Posting) -> tuple[Decimal, Decimal] | None:
    """The pay's range (one figure stated: a range of one)."""
    values = [value for value in (posting.salary_min, posting.salary_max) if value is not None]
    return (min(values), max(values)) if values else None


def compare(posting: Posting, located: Located, release: Release) -> PayComparison | None:
    """The comparison of one posting's pay with the band `located` found, in the unit the pay was written in."""
    estimate, pay = located.estimate, _range(posting)
    if estimate is None or pay is None or posting.salary_period not in (Posting.Period.HOUR, Posting.Period.YEAR):
        return None
    unit = "hour" if posting.salary_period == Posting.Period.HOUR else "year"
    prefix = "hourly" if unit == "hour" else "annual"
    low, high = getattr(estimate, f"{prefix}_p25"), getattr(estimate, f"{prefix}_p75")
    if low is None or high is None:
        return None  # BLS publishes no band in this unit here (an hourly-only occupation paid by the year)
    # By how the range overlaps the band, not by its midpoint: $28-38 an hour against a band topping out at $29.52
    # starts within the band and reaches above it.
    starts, ends = _where(pay[0], low, high), _where(pay[1], low, high)
    verdict = starts if starts == ends else "overlaps"
    name = "the United States" if estimate.area_id == NATIONAL else estimate.area.name
    median = getattr(estimate, f"{prefix}_median")
    return PayComparison(verdict, low, high, unit, name, release.name, located.note, starts, ends, median)


def _comparisons(postings: list[Posting]) -> list[PayComparison | None]:
    """Each posting's comparison (None without a role, pay or band), in order; the postings need not be saved."""
    wanted = [p for p in postings if p.role_id and p.role and _range(p) is not None]
    release = current_release() if wanted else None
    if release is None:
        return [None] * len(postings)
    nation = national_area()
    codes = figures_codes({p.role.occupation_id for p in wanted if p.role}, release)
    kept = {id(p) for p in wanted}
    pairs = [(codes[p.role.occupation_id], p.area or nation) if id(p) in kept and p.role else None for p in postings]
    found = located_estimates([pair for pair in pairs if pair is not None], release)
    return [
        compare(posting, found[(pair[0], pair[1].code)], release) if pair is not None else None
        for posting, pair in zip(postings, pairs, strict=True)
    ]


def pay_comparisons(postings: list[Posting]) -> dict[int, PayComparison]:
    """posting id -> comparison, for postings with a role and pay; each in its area, else its state, else national
    (a remote posting or one without a known place: national)."""
    return {
        posting.pk: comparison
        for posting, comparison in zip(postings, _comparisons(postings), strict=True)
        if comparison is not None
    }


def pay_preview(posting: Posting) -> PayComparison | None:
    """The comparison a posting not yet saved would get once published (the posting form's "Check pay"): the same
    code as `pay_comparisons`, so the preview is the verdict the posting's page shows."""
    return _comparisons([posting])[0]
