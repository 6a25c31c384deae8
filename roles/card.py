"""Everything the role page shows, gathered once: the page, the downloads and the API use the same card."""

from dataclasses import dataclass, field
from decimal import Decimal

from geo.models import NATIONAL, Area
from geo.resolve import Place, Resolution, resolve
from market.difficulty import MarketEstimate, local_market, national_market
from market.platform import PlatformCounts, platform_counts, platform_market
from occupations.models import OnetOccupation, Rating, RelatedOccupation
from roles.models import Role
from sources import versions
from wages.models import Release
from wages.queries import Change, Located, change_between, located_estimates, national_estimates, release_of
from wages.summary import HistoryPoint, WageSummary


# What a profile keeps of O*NET's rows: plain records read with values_list, not model instances. A worker keeps
# a profile for every role it has shown, and a model instance (its state, its related objects) costs ten times the
# memory, and more time to build.
@dataclass(frozen=True, slots=True)
class RatingRow:
    """One skill or knowledge element's importance (1-5) and level (0-7) for the occupation."""

    name: str
    importance: Decimal | None
    level: Decimal | None


@dataclass(frozen=True, slots=True)
class TechnologyRow:
    example: str
    commodity_title: str
    hot: bool
    in_demand: bool


@dataclass(frozen=True, slots=True)
class EducationRow:
    """The share of people in the occupation with one level of education (O*NET's RL scale)."""

    description: str
    percent: Decimal


@dataclass(frozen=True)
class TechnologyGroup:
    """O*NET's technology examples of one commodity (e.g. "Medical software"), Hot Technologies first."""

    title: str
    examples: list[TechnologyRow]

    @property
    def hot(self) -> int:
        return sum(example.hot for example in self.examples)


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

    @property
    def local_difference(self) -> Decimal | None:
        """Percent difference of the local median from the national median, in the unit both publish."""
        if not (self.local and self.national and self.local.unit == self.national.unit):
            return None
        local, national = self.local.medium.value, self.national.medium.value
        if not local or not national:
            return None
        return ((Decimal(local) - Decimal(national)) * 100 / Decimal(national)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class OccupationProfile:
    """What a role shows that depends only on its occupation and the data loaded, not on the role's own
    text or the place: kept in process memory per data version."""

    onet: OnetOccupation | None
    release: Release | None
    national: WageSummary | None
    national_change: Change | None
    history: list[HistoryPoint]
    market: MarketEstimate
    tasks: list[str]
    skills: list[RatingRow]
    knowledge: list[RatingRow]
    technology: list[TechnologyGroup]
    education: list[EducationRow]
    related_socs: list[str]
    typical_education: str


def technology_groups(skills: list[TechnologyRow]) -> list[TechnologyGroup]:
    """Technology examples grouped by O*NET commodity, as O*NET lists them: within a group Hot Technologies first,
    then In Demand, then A-Z; groups with more Hot Technologies first, then larger groups, then A-Z."""
    groups: dict[str, list[TechnologyRow]] = {}
    for skill in sorted(skills, key=lambda t: (not t.hot, not t.in_demand, t.example.lower())):
        groups.setdefault(skill.commodity_title, []).append(skill)
    ordered = [TechnologyGroup(title, examples) for title, examples in groups.items()]
    return sorted(ordered, key=lambda group: (-group.hot, -len(group.examples), group.title.lower()))


@versions.memoized("occupation profiles", maxsize=2048)
def occupation_profile(soc: str, year: int = 0) -> OccupationProfile:
    """The profile with the wages of release `year` (0: the current release, never a staged one). Kept in process
    memory until the data version changes, so a new import, a publish or a rollback is seen at once."""
    release = release_of(year)
    national, history = national_estimates(soc, release) if release else (None, [])
    onet = OnetOccupation.objects.filter(occupation_id=soc).select_related("job_zone").order_by("code").first()
    market = national_market(national.occupation_id if national else soc)
    tasks: list[str] = []
    skills: list[RatingRow] = []
    knowledge: list[RatingRow] = []
    technology: list[TechnologyGroup] = []
    education: list[EducationRow] = []
    related: list[str] = []
    if onet:
        tasks = [text for text, kind in onet.tasks.order_by("task_id").values_list("text", "kind") if kind == "core"]
        tasks = tasks or list(onet.tasks.order_by("task_id").values_list("text", flat=True)[:20])
        skills, knowledge = (
            [
                RatingRow(*row)
                for row in onet.ratings.filter(domain=domain, importance__isnull=False, not_relevant=False)
                .order_by("-importance", "element__name")
                .values_list("element__name", "importance", "level")[:10]
            ]
            for domain in (Rating.Domain.SKILL, Rating.Domain.KNOWLEDGE)
        )
        technology = technology_groups(
            [
                TechnologyRow(*row)
                for row in onet.technology_skills.values_list("example", "commodity_title", "hot", "in_demand")
            ]
        )
        education = [
            EducationRow(*row)
            for row in onet.education_shares.filter(category__scale="RL", percent__gt=0)
            .order_by("category__category")
            .values_list("category__description", "percent")
        ]
        related = list(
            RelatedOccupation.objects.filter(onet=onet)
            .order_by("rank")
            .values_list("related__occupation_id", flat=True)
        )
    return OccupationProfile(
        onet=onet,
        release=release,
        national=WageSummary(national, release) if national and release else None,
        national_change=change_between(history[-2], history[-1]) if len(history) > 1 else None,
        history=[
            HistoryPoint(e.release.name, e.figure("annual_median", e.release), e.figure("hourly_median", e.release))
            for e in history
        ],
        market=market,
        tasks=tasks,
        skills=skills,
        knowledge=knowledge,
        technology=technology,
        education=education,
        related_socs=[code for code in dict.fromkeys(related) if code != soc][:10],
        typical_education=market.projection.entry_education if market.projection else "",
    )


def figures_code(soc: str, year: int = 0) -> str:
    """The occupation whose estimates a role of `soc` shows: itself, or the nearest SOC ancestor BLS publishes."""
    profile = occupation_profile(soc, year)
    return profile.national.estimate.occupation_id if profile.national else soc


def role_card(role: Role, location: str | None = None, year: int = 0) -> RoleCard:
    """The card with the wages of release `year`: 0 for the current release; a staged one only when asked for."""
    profile = occupation_profile(role.occupation_id, year)
    platform = platform_counts(role.occupation_id)
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
    )
    if role.duty_list:
        card.duties = role.duty_list
    else:
        card.duties, card.duties_source = profile.tasks, "O*NET task statements"
    card.related = related_roles(role.occupation_id, year)
    if location is not None and profile.release:
        card.resolution = resolve(location)
        if card.resolution.place:
            figures = local_figures(role.occupation_id, year, card.resolution.place.area)
            card.located, card.local, card.local_market = figures.located, figures.local, figures.market
            card.local_notes = figures.located.notes
            card.local_platform = platform_counts(role.occupation_id, card.resolution.place.area)
            if card.local_platform.sufficient:
                card.local_market = platform_market(card.local_platform, role.occupation_id)
    return card


@versions.memoized("role slugs", maxsize=1)
def role_slugs() -> frozenset[str]:
    return frozenset(Role.objects.values_list("slug", flat=True))


@versions.memoized("roles by slug", maxsize=2048)
def _role_by_slug(slug: str) -> Role | None:
    return Role.objects.select_related("category", "occupation").filter(slug=slug).first()


def keep_all_roles() -> None:
    """Every role in process memory at once, as `role_by_slug` keeps them: one query instead of one a role (before
    the fork, config/warm.py, so workers share them; a role page's related roles then cost no query)."""
    version = versions.versions_of(("data",))
    memo = _role_by_slug.memo  # type: ignore[attr-defined]
    for role in Role.objects.select_related("category", "occupation"):
        memo.get((role.slug,), version, lambda role=role: role)


def role_by_slug(slug: str) -> Role | None:
    """The role with this slug, with its category and occupation, from process memory (an edit bumps the data
    version). Shared between requests: read it, never change it. Slugs that name no role are not kept."""
    return _role_by_slug(slug) if slug in role_slugs() else None


@versions.memoized("related roles", maxsize=2048)
def related_roles(soc: str, year: int = 0) -> list[Role]:
    """The public roles of the occupations O*NET relates to `soc`, closest first."""
    related_socs = occupation_profile(soc, year).related_socs
    if not related_socs:
        return []
    slugs = dict(
        Role.objects.filter(occupation_id__in=related_socs, is_curated=False).values_list("occupation_id", "slug")
    )
    # The role objects kept by slug, shared with their own pages: a list here costs a reference per role.
    return [role for code in related_socs if code in slugs and (role := role_by_slug(slugs[code])) is not None]


@dataclass(frozen=True)
class LocalFigures:
    """The public figures for an occupation in one area: its wages (or the nearest level BLS publishes) and the
    national market apportioned to the area. The same for every place of the area (every ZIP code and town in it)."""

    located: Located
    local: WageSummary | None
    market: MarketEstimate


# About 8 kB an entry (the estimates with their area, occupation and release): 2,048 entries, about 16 MB a worker,
# hold the places people ask for most (every area of the 30 most asked roles, say).
@versions.memoized("local figures", maxsize=2048)
def local_figures(soc: str, year: int, area: Area) -> LocalFigures:
    profile = occupation_profile(soc, year)
    if profile.release is None:
        raise ValueError(f"there is no release {year} to place {soc} in")
    stats_code = figures_code(soc, year)
    located = located_estimates([(stats_code, area)], profile.release)[(stats_code, area.code)]
    local = WageSummary(located.estimate, profile.release) if located.estimate else None
    return LocalFigures(located, local, local_market(profile.market, area))
