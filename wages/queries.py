"""Reads of OEWS estimates with the fallbacks the product promises."""

from dataclasses import dataclass
from decimal import Decimal

from geo.models import NATIONAL, Area
from occupations.services import soc_ancestors
from wages.models import Release, WageEstimate


@dataclass(frozen=True)
class Change:
    """Percent change of the annual median between two releases."""

    current: WageEstimate
    previous: WageEstimate
    percent: Decimal


def current_release() -> Release | None:
    return Release.objects.order_by("-year").first()


def national_estimates(occupation_code: str, release: Release) -> tuple[WageEstimate | None, list[WageEstimate]]:
    """The national estimate in `release` of the occupation, or of its nearest SOC ancestor with one,
    and that occupation's national estimates in every release loaded, oldest first (one query)."""
    codes = [occupation_code, *soc_ancestors(occupation_code)[:3]]
    estimates = list(
        WageEstimate.objects.filter(area_id=NATIONAL, occupation_id__in=codes)
        .select_related("area", "occupation", "release")
        .order_by("release_id")
    )
    current = {e.occupation_id: e for e in estimates if e.release_id == release.year}
    chosen = next((current[code] for code in codes if code in current), None)
    if chosen is None:
        return None, []
    return chosen, [e for e in estimates if e.occupation_id == chosen.occupation_id]


def change_between(previous: WageEstimate, current: WageEstimate) -> Change | None:
    """Percent change of the annual median between two estimates, where both are published."""
    if not previous.annual_median or not current.annual_median:
        return None
    percent = (Decimal(current.annual_median) - previous.annual_median) * 100 / previous.annual_median
    return Change(current=current, previous=previous, percent=percent.quantize(Decimal("0.1")))


def has_median(estimate: WageEstimate | None) -> bool:
    """A median is published: a number, or BLS's top-coded `#` ("$239,200 or more")."""
    if estimate is None:
        return False
    return estimate.annual_median is not None or (estimate.special or {}).get("annual_median") == "#"


def local_estimate(occupation_code: str, area: Area, release: Release) -> tuple[WageEstimate | None, list[str]]:
    """The estimate for `area`, else its state, else national; with a note for each level skipped.
    All levels are read in one query."""
    chain = [(area.code, area.name)]  # nearest first: the area, its state, the nation
    if area.kind in (Area.Kind.METRO, Area.Kind.NONMETRO) and area.state_abbr:
        state = (
            Area.objects.filter(kind__in=[Area.Kind.STATE, Area.Kind.TERRITORY], state_abbr=area.state_abbr)
            .values_list("code", "name")
            .first()
        )
        if state:
            chain.append(state)
    if area.code != NATIONAL:
        chain.append((NATIONAL, "the United States"))
    found = {
        estimate.area_id: estimate
        for estimate in WageEstimate.objects.filter(
            release=release, occupation_id=occupation_code, area_id__in=[code for code, _ in chain]
        ).select_related("area")
    }
    notes: list[str] = []
    for code, name in chain:
        estimate = found.get(code)
        if estimate is not None and has_median(estimate):
            return estimate, notes
        notes.append(f"BLS publishes no annual median for this occupation in {name}.")
    return None, notes
