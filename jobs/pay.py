"""How a posting's pay compares with the local OEWS band for its role: below the 25th percentile, within the
25th-75th, or above the 75th. Looked up for a whole page of postings in one query."""

from dataclasses import dataclass

from geo.models import NATIONAL
from jobs.models import Posting
from wages.models import WageEstimate
from wages.queries import current_release


@dataclass(frozen=True)
class PayComparison:
    verdict: str  # "below", "within", "above"
    low: int
    high: int
    area_name: str
    release: str

    @property
    def sentence(self) -> str:
        where = {
            "below": "below the 25th percentile",
            "within": "within the 25th-75th percentile band",
            "above": "above the 75th percentile",
        }[self.verdict]
        return (
            f"Pay is {where} for this role in {self.area_name} (${self.low:,}-${self.high:,}, BLS OEWS {self.release})."
        )


def pay_comparisons(postings: list[Posting]) -> dict[int, PayComparison]:
    """posting id -> comparison, for postings with a role and a pay range; the posting's area, else national."""
    release = current_release()
    wanted = [p for p in postings if p.role_id and p.annual_midpoint is not None]
    if release is None or not wanted:
        return {}
    occupations = {p.role.occupation_id for p in wanted if p.role}
    areas = {p.area_id for p in wanted if p.area_id} | {NATIONAL}
    bands = {
        (e.occupation_id, e.area_id): e
        for e in WageEstimate.objects.filter(release=release, occupation_id__in=occupations, area_id__in=areas)
        .exclude(annual_p25__isnull=True)
        .exclude(annual_p75__isnull=True)
        .select_related("area")
    }
    result = {}
    for posting in wanted:
        assert posting.role is not None and posting.annual_midpoint is not None
        code = posting.role.occupation_id
        band = bands.get((code, posting.area_id or "")) or bands.get((code, NATIONAL))
        if band is None or band.annual_p25 is None or band.annual_p75 is None:
            continue
        pay = posting.annual_midpoint
        verdict = "below" if pay < band.annual_p25 else "above" if pay > band.annual_p75 else "within"
        name = "the United States" if band.area_id == NATIONAL else band.area.name
        result[posting.pk] = PayComparison(verdict, band.annual_p25, band.annual_p75, name, release.name)
    return result
