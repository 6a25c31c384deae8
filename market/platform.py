"""rolescope's own market signal: postings open now and candidates open to work, by occupation and area.

Where both counts reach settings.PLATFORM_MARKET_MINIMUM for a role's occupation in an area, the role page and
API use them as job openings and candidate supply, labelled as rolescope data; otherwise they show the public
estimates (market.difficulty) and say how far the platform's own counts are from the threshold.

The job board counts them: it registers a count source at start-up, so this module imports no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from geo.models import Area
from market.difficulty import Citation, MarketEstimate
from sources import versions

# (occupation code, area code or None) -> ((postings open now, candidates open to work) in the nation, the same in
# the area (the nation's again for None)): a page shows both, counted together
Counts = tuple[int, int]
CountSource = Callable[[str, str | None], tuple[Counts, Counts]]
# () -> {occupation code: the nation's counts} for every occupation with something open
NationSource = Callable[[], dict[str, Counts]]
# Counts also go stale as postings pass their date, which changes no version: recount at most this often.
COUNTS_SECONDS = 300.0

_source: CountSource | None = None
_nation_source: NationSource | None = None
# (role slug, area code or None, the place's label) -> the role page's section listing the newest postings open now
# for the role near the place, with their pay verdicts (HTML the job board renders)
ListingSource = Callable[[str, str | None, str], str]
_listing: ListingSource | None = None


def register_listing_source(source: ListingSource) -> None:
    global _listing
    _listing = source


def newest_postings(role_slug: str, area_code: str | None, place_label: str = "") -> str:
    """The job board's section of the newest postings for a role near a place ("" when it registered none)."""
    return _listing(role_slug, area_code, place_label) if _listing is not None else ""


def register_count_source(source: CountSource, nation: NationSource) -> None:
    global _source, _nation_source
    _source, _nation_source = source, nation


@dataclass(frozen=True)
class PlatformCounts:
    """Active postings and open-to-work candidates for one occupation in one area (or the whole country)."""

    area_name: str
    active_postings: int
    open_candidates: int
    minimum: int

    @property
    def sufficient(self) -> bool:
        return self.active_postings >= self.minimum and self.open_candidates >= self.minimum


@versions.memoized("platform counts, nation", maxsize=1, depends_on=("platform",), ttl=COUNTS_SECONDS)
def _nation() -> dict[str, Counts]:
    """Every occupation's counts in the nation (those with nothing open are left out), read together: a page of
    any role then needs no count query of its own where nothing is open for it anywhere."""
    return _nation_source() if _nation_source is not None else {}


@versions.memoized("platform counts", maxsize=20_000, depends_on=("platform",), ttl=COUNTS_SECONDS)
def _area_counted(occupation_code: str, area_code: str) -> tuple[Counts, Counts]:
    return _source(occupation_code, area_code) if _source is not None else ((0, 0), (0, 0))


def _counted(occupation_code: str, area_code: str | None) -> tuple[Counts, Counts]:
    nation = _nation().get(occupation_code, (0, 0))
    # An area holds no more than the nation: where nothing is open anywhere (most occupations on a young board),
    # nothing is open here either, and the nation's counts answer without a query.
    if area_code is None or nation == (0, 0):
        return nation, nation
    return _area_counted(occupation_code, area_code)  # the nation's beside the area's, counted together


def _platform_counts(area: Area | None, counts: Counts) -> PlatformCounts:
    return PlatformCounts(
        area_name=area.name if area else "United States",
        active_postings=counts[0],
        open_candidates=counts[1],
        minimum=settings.PLATFORM_MARKET_MINIMUM,
    )


def platform_counts(occupation_code: str, area: Area | None = None) -> PlatformCounts:
    nation, local = _counted(occupation_code, area.code if area else None)
    return _platform_counts(area, local if area else nation)


def platform_counts_with_nation(occupation_code: str, area: Area) -> tuple[PlatformCounts, PlatformCounts]:
    """(the nation's counts, the area's) for the occupation, counted together (a page with a place shows both)."""
    nation, local = _counted(occupation_code, area.code)
    return _platform_counts(None, nation), _platform_counts(area, local)


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
