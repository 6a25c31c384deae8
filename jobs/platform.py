"""rolescope's own market signal: active postings and open-to-work candidates, by role and area.

Where both counts reach settings.PLATFORM_MARKET_MINIMUM for a role's occupation in an area, the role page
and API use them as job openings and candidate supply, labelled as rolescope data; otherwise they show the
public estimates (market.difficulty) and say how far the platform's own counts are from the threshold.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from jobs.models import Candidate, Counter, Posting
from market.difficulty import Citation, MarketEstimate
from wages.models import Area

PLATFORM = "platform"
LOCAL_SECONDS = 2.0
COUNTS_SECONDS = 300.0
_local: tuple[int, float] | None = None


def platform_changed() -> None:
    """Count a change to postings or candidates (other processes see it within LOCAL_SECONDS)."""
    global _local
    if not Counter.objects.filter(name=PLATFORM).update(value=F("value") + 1):
        Counter.objects.get_or_create(name=PLATFORM, defaults={"value": 1})
    _local = None


def platform_version() -> int:
    """Goes up with every change to postings or candidates; part of the cache keys of pages that show them."""
    global _local
    now = time.monotonic()
    if _local is not None and _local[1] > now:
        return _local[0]
    value = Counter.objects.filter(name=PLATFORM).values_list("value", flat=True).first() or 0
    _local = (value, now + LOCAL_SECONDS)
    return value


@dataclass(frozen=True)
class PlatformCounts:
    """Active postings and open-to-work candidates for one occupation in one area (or the whole country)."""

    area_name: str
    active_postings: int
    open_candidates: int
    minimum: int
    counted: float = 0.0  # time.monotonic() when counted

    @property
    def sufficient(self) -> bool:
        return self.active_postings >= self.minimum and self.open_candidates >= self.minimum


_counts_memo: dict[tuple[int, str, str], PlatformCounts] = {}


def platform_counts(occupation_code: str, area: Area | None = None) -> PlatformCounts:
    """Counted once per platform version (and at most every few minutes, as postings pass their expiry)."""
    key = (platform_version(), occupation_code, area.code if area else "")
    found = _counts_memo.get(key)
    if found is not None and found.counted > time.monotonic() - COUNTS_SECONDS:
        return found
    if len(_counts_memo) > 20_000:
        _counts_memo.clear()
    _counts_memo[key] = counts = _count(occupation_code, area)
    return counts


def _count(occupation_code: str, area: Area | None) -> PlatformCounts:
    postings = Posting.objects.live().filter(role__occupation_id=occupation_code)
    candidates = Candidate.objects.filter(open_to_work=True, desired_roles__occupation_id=occupation_code)
    if area is not None:
        postings = postings.filter(area=area)
        candidates = candidates.filter(area=area)
    return PlatformCounts(
        area_name=area.name if area else "United States",
        active_postings=postings.count(),
        open_candidates=candidates.distinct().count(),
        minimum=settings.PLATFORM_MARKET_MINIMUM,
        counted=time.monotonic(),
    )


def platform_market(counts: PlatformCounts, occupation_code: str) -> MarketEstimate:
    """The market estimate from rolescope's own counts: openings = postings open now, supply = candidates
    open to work now (no new-entrant term: graduates who sign up are among the candidates)."""
    today = timezone.localdate().isoformat()
    return MarketEstimate(
        occupation_code=occupation_code,
        area_name=counts.area_name,
        openings=counts.active_postings,
        experienced=counts.open_candidates,
        new_entrants=0,
        basis="rolescope",
        notes=[
            f"rolescope data: {counts.active_postings:,} postings open and {counts.open_candidates:,} candidates "
            f"open to work on {today}, at or above the threshold of {counts.minimum:,} each."
        ],
        citations=[
            Citation("Job openings", f"rolescope postings open on {today}"),
            Citation("Candidate supply", f"rolescope candidates open to work on {today}"),
        ],
    )
