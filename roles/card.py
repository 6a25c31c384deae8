"""Everything the role page shows, gathered once: the page, the downloads and the API use the same card."""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from geo.models import NATIONAL, Area
from geo.points import place_point
from geo.prices import PriceLevel, price_level
from geo.resolve import Place, Resolution, resolve
from market.difficulty import MarketEstimate, local_market
from market.platform import PlatformCounts, platform_counts, platform_counts_with_nation, platform_market
from market.programmes import Programmes, programmes_for
from occupations.models import OnetOccupation
from roles import pathway
from roles.models import Role
from roles.profiles import (
    EducationRow,
    OccupationProfile,
    ProfileRow,
    RatingRow,
    TechnologyGroup,
    profile_read,
)
from sources import versions
from wages.models import Release, WageEstimate
from wages.queries import Change, Located, estimates_at, fallback_chain, has_median, located_estimates
from wages.summary import HistoryPoint, WageSummary


@dataclass
class RoleCard:
    role: Role
    onet: OnetOccupation | None
    release: Release | None
    national: WageSummary | None
    national_change: Change | None
    history: list[HistoryPoint]
    market: MarketEstimate
    # rolescope's own counts (postings open, candidates open to work); when they reach the threshold they
    # replace the public estimates in `market` / `local_market`, whose basis then says "rolescope".
    platform: PlatformCounts
    resolution: Resolution | None = None
    local: WageSummary | None = None
    local_notes: list[str] = field(default_factory=list)
    located: Located | None = None  # how the local estimate was found (the area, its state or the nation)
    local_market: MarketEstimate | None = None
    local_platform: PlatformCounts | None = None
    duties: list[str] = field(default_factory=list)
    duties_source: str = ""
    skills: list[RatingRow] = field(default_factory=list)
    knowledge: list[RatingRow] = field(default_factory=list)
    technology: list[TechnologyGroup] = field(default_factory=list)
    education: list[EducationRow] = field(default_factory=list)
    typical_education: str = ""
    related: list[Role] = field(default_factory=list)
    # issue 19: the outlook, how to get in, the next steps (from the profile) and the place's price level
    outlook: pathway.Outlook | None = None
    entry: pathway.Entry | None = None
    next_steps: list[pathway.NextStep] = field(default_factory=list)
    price_parity: PriceLevel | None = None

    @property
    def place(self) -> Place | None:
        return self.resolution.place if self.resolution else None

    @property
    def headline(self) -> WageSummary | None:
        """The estimate a one-line summary quotes (a link preview, a listing): the local one when there is a place."""
        return self.local or self.national

    @property
    def headline_text(self) -> str:
        """ "Median $135,980 a year in Seattle-Tacoma-Bellevue, WA (BLS OEWS May 2025)": the link preview's line."""
        summary = self.headline
        if summary is None or self.release is None:
            return ""
        where = "nationally" if summary.estimate.area_id == NATIONAL else f"in {summary.area_name}"
        per = "an hour" if summary.unit == "hour" else "a year"
        return f"Median {summary.medium.text} {per} {where} (BLS OEWS {self.release.name})."

    @property
    def description(self) -> str:
        return self.role.short_description or (self.onet.description if self.onet else "")

    @cached_property
    def programmes(self) -> Programmes | None:
        """Programmes near you (IPEDS): nearest to the place; for a state or a nonmetropolitan area (no one point) the
        largest in its state; without a place the largest nationally. Read only where shown."""
        return card_programmes(self.role.occupation_id, self.place)

    @property
    def local_difference(self) -> Decimal | None:
        """Percent difference of the local median from the national median, in the unit both publish."""
        if not (self.local and self.national and self.local.unit == self.national.unit):
            return None
        local, national = self.local.medium.value, self.national.medium.value
        if not local or not national:
            return None
        return ((Decimal(local) - Decimal(national)) * 100 / Decimal(national)).quantize(Decimal("0.1"))


def card_programmes(soc: str, place: Place | None) -> Programmes | None:
    if place is None or place.area.is_national:
        return programmes_for(soc)
    if (point := place_point(place)) is not None:
        return programmes_for(soc, point=point, near=place.label)
    return programmes_for(soc, state=place.area.state_abbr, near=place.area.name)


def occupation_profile(soc: str, year: int = 0) -> OccupationProfile:
    """The profile with the wages of release `year` (0: the current release, never a staged one): its stored row
    (`roles.profiles`), built and stored now if there is none."""
    return profile_read(soc, year)


def figures_code(profile: OccupationProfile, soc: str) -> str:
    """The occupation whose estimates a role of `soc` shows: itself, or the nearest SOC ancestor BLS publishes."""
    return profile.national.estimate.occupation_id if profile.national else soc


def role_card(role: Role, location: str | None = None, year: int = 0, *, row: ProfileRow | None = None) -> RoleCard:
    """The card with the wages of release `year`: 0 for the current release; a staged one only when asked for.
    `row`: the role's occupation profile for that release, read already (`roles.profiles.profile_row_read`)."""
    profile = row.profile if row is not None else occupation_profile(role.occupation_id, year)
    resolution = resolve(location) if location is not None and profile.release else None
    area = resolution.place.area if resolution and resolution.place else None
    if area is not None:  # the nation's and the area's counts in one go
        platform, local_platform = platform_counts_with_nation(role.occupation_id, area)
    else:
        platform, local_platform = platform_counts(role.occupation_id), None
    card = profile_card(role, profile, platform)
    card.related = related_roles(profile.related_socs)
    card.next_steps = next_steps(profile, card.related)
    card.resolution = resolution
    if area is not None and profile.release is not None:
        # the role's cell and its next steps' cells at every level the local figures may fall back to: one query
        codes = [figures_code(profile, role.occupation_id), *(step.figures_code for step in card.next_steps)]
        found = estimates_at(codes, [level for level, _ in fallback_chain(area)], profile.release)
        figures = local_figures(profile, role.occupation_id, area, found)
        card.located, card.local, card.local_market = figures.located, figures.local, figures.market
        card.local_notes = figures.located.notes
        card.local_platform = local_platform
        if local_platform is not None and local_platform.sufficient:
            card.local_market = platform_market(local_platform, role.occupation_id)
        add_local_pay(card, profile.release, found)
        card.price_parity = price_level(card.local.estimate.area if card.local else area)
    return card


def profile_card(role: Role, profile: OccupationProfile, platform: PlatformCounts) -> RoleCard:
    """The card's part that comes from the role and its occupation's profile (no place, no related roles)."""
    card = RoleCard(
        role=role,
        onet=profile.onet,
        release=profile.release,
        national=profile.national,
        national_change=profile.national_change,
        history=profile.history,
        market=platform_market(platform, role.occupation_id) if platform.sufficient else profile.market,
        platform=platform,
        skills=profile.skills,
        knowledge=profile.knowledge,
        technology=profile.technology,
        education=profile.education,
        typical_education=profile.typical_education,
        outlook=profile.outlook,
        entry=profile.entry,
    )
    if role.duty_list:
        card.duties = role.duty_list
    else:
        card.duties, card.duties_source = profile.tasks, "O*NET task statements"
    return card


def next_steps(profile: OccupationProfile, related: list[Role]) -> list[pathway.NextStep]:
    """The profile's next steps that have a role to link to, in O*NET's order, each with its role."""
    roles = {role.occupation_id: role for role in related}
    steps = []
    for step in profile.next_steps:
        if step.soc in roles:
            steps.append(replace(step, role=roles[step.soc]))  # a copy: the profile's own stays as built
    return steps


def add_local_pay(card: RoleCard, release: Release, found: dict[tuple[str, str], WageEstimate]) -> None:
    """Each next step's median where this role's local figures come from, and its difference from the local median
    (from `found`, the cells `estimates_at` read with the role's; only where both are published in that area)."""
    if not (card.local and card.next_steps):
        return
    area = card.local.estimate.area
    unit = card.local.unit
    base = card.local.medium.value
    for step in card.next_steps:
        estimate = found.get((step.figures_code, area.code))
        if base is None or estimate is None or not has_median(estimate, release):
            continue
        summary = WageSummary(estimate, release)
        median = summary.medium
        if median.value is None or summary.unit != unit:
            continue
        step.local_median = Decimal(median.value)
        step.local_difference = Decimal(median.value) - Decimal(base)
        step.local_area = card.local.area_name


@dataclass(frozen=True)
class RoleIndex:
    """Every role with its category and occupation, by slug, and the public (not curated) role of each occupation:
    873 rows, kept in process memory until the data version changes (an edit or an import bumps it). Shared by
    requests: read the roles, never change them."""

    by_slug: dict[str, Role]
    public_by_occupation: dict[str, Role]


@versions.memoized("roles", maxsize=1)
def role_index() -> RoleIndex:
    by_slug: dict[str, Role] = {}
    public: dict[str, Role] = {}
    for role in Role.objects.select_related("category", "occupation").order_by("id"):
        by_slug[role.slug] = role
        if not role.is_curated:
            public.setdefault(role.occupation_id, role)
    return RoleIndex(by_slug, public)


def role_slugs() -> frozenset[str]:
    return frozenset(role_index().by_slug)


def role_by_slug(slug: str) -> Role | None:
    """The role with this slug, with its category and occupation (from process memory: no query)."""
    return role_index().by_slug.get(slug)


def related_roles(related_socs: list[str]) -> list[Role]:
    """The public roles of the occupations O*NET relates to an occupation (its profile's `related_socs`), closest
    first (from process memory: no query)."""
    public = role_index().public_by_occupation
    return [public[code] for code in related_socs if code in public]


@dataclass(frozen=True)
class LocalFigures:
    """The public figures for an occupation in one area: its wages (or the nearest level BLS publishes) and the
    national market apportioned to the area. The same for every place of the area (every ZIP code and town in it)."""

    located: Located
    local: WageSummary | None
    market: MarketEstimate


def local_figures(
    profile: OccupationProfile, soc: str, area: Area, found: dict[tuple[str, str], WageEstimate] | None = None
) -> LocalFigures:
    """The figures of occupation `soc` (whose profile is `profile`) in `area`, from indexed queries (none when
    `found` holds the cells already: `wages.queries.estimates_at`)."""
    if profile.release is None:
        raise ValueError(f"there is no release to place {soc} in")
    stats_code = figures_code(profile, soc)
    located = located_estimates([(stats_code, area)], profile.release, found)[(stats_code, area.code)]
    local = WageSummary(located.estimate, profile.release) if located.estimate else None
    return LocalFigures(located, local, local_market(profile.market, area))
