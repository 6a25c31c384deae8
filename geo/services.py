"""Writes that span geography and the OEWS areas."""

from collections import defaultdict

from django.db import transaction

from geo.models import Area, Cbsa, County


def county_area_code(
    *,
    state_fips: str,
    cbsa_code: str | None,
    cbsa_kind: str | None,
    areas: set[str],
    nonmetro_by_state: dict[str, list[str]],
    published: str = "",
) -> str | None:
    """The OEWS area of a county: the one BLS assigns it (OFLC geography), when that area's estimates are loaded;
    else its metro area; else the state's only nonmetro area; else the state."""
    if published in areas:
        return published
    if cbsa_code and cbsa_kind == Cbsa.Kind.METRO and f"00{cbsa_code}" in areas:
        return f"00{cbsa_code}"
    nonmetro = nonmetro_by_state.get(state_fips, [])
    if len(nonmetro) == 1:
        return nonmetro[0]
    state_area = f"{state_fips}00000"
    return state_area if state_area in areas else None


@transaction.atomic
def county_areas_refresh() -> int:
    """Recompute every county's OEWS area from the areas loaded now. Returns how many changed."""
    areas = set(Area.objects.values_list("code", flat=True))
    nonmetro_by_state: dict[str, list[str]] = defaultdict(list)
    for code in sorted(Area.objects.filter(kind=Area.Kind.NONMETRO).values_list("code", flat=True)):
        nonmetro_by_state[code[:2]].append(code)
    changed = []
    counties = County.objects.select_related("cbsa").only(
        "fips", "state_id", "cbsa", "oews_area_id", "published_area_code"
    )
    for county in counties:
        wanted = county_area_code(
            state_fips=county.state_id,
            cbsa_code=county.cbsa_id,
            cbsa_kind=county.cbsa.kind if county.cbsa else None,
            areas=areas,
            nonmetro_by_state=nonmetro_by_state,
            published=county.published_area_code,
        )
        if wanted != county.oews_area_id:
            county.oews_area_id = wanted
            changed.append(county)
    County.objects.bulk_update(changed, ["oews_area"], batch_size=1000)
    return len(changed)
