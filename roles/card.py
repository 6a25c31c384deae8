"""Everything the role page shows, gathered once: the page, the downloads and the API use the same card."""

from dataclasses import dataclass, field
from decimal import Decimal

from geo.models import NATIONAL
from geo.resolve import Resolution, resolve
from market.difficulty import MarketEstimate, local_market, national_market
from market.platform import PlatformCounts, platform_counts, platform_market
from occupations.models import EducationShare, OnetOccupation, Rating, RelatedOccupation, TechnologySkill
from roles.models import Role
from sources import versions
from wages.models import Figure, Release, WageEstimate
from wages.queries import Change, change_between, current_release, local_estimate, national_estimates

# Relative standard errors above this (percent) mark a figure as less reliable.
RSE_THRESHOLD = Decimal(10)
PERCENTILES = (
    ("10th percentile", "p10"),
    ("25th percentile (Low)", "p25"),
    ("Median (Medium)", "median"),
    ("75th percentile (High)", "p75"),
    ("90th percentile", "p90"),
    ("Mean", "mean"),
)


@dataclass(frozen=True)
class WageRow:
    label: str
    annual: Figure
    hourly: Figure


@dataclass
class WageSummary:
    """One OEWS estimate as the page shows it."""

    estimate: WageEstimate
    release: Release

    @property
    def area_name(self) -> str:
        return "United States" if self.estimate.area_id == NATIONAL else self.estimate.area.name

    @property
    def low(self) -> Figure:
        return self.estimate.figure("annual_p25")

    @property
    def medium(self) -> Figure:
        return self.estimate.figure("annual_median")

    @property
    def high(self) -> Figure:
        return self.estimate.figure("annual_p75")

    @property
    def rows(self) -> list[WageRow]:
        return [
            WageRow(label, self.estimate.figure(f"annual_{key}"), self.estimate.figure(f"hourly_{key}"))
            for label, key in PERCENTILES
        ]

    @property
    def employment(self) -> Figure:
        return self.estimate.figure("employment")

    @property
    def less_reliable(self) -> list[str]:
        flagged = []
        for field_name, label in (("employment_rse", "employment"), ("mean_rse", "mean wage")):
            value = getattr(self.estimate, field_name)
            if value is not None and value > RSE_THRESHOLD:
                flagged.append(f"The {label} estimate has a relative standard error of {value}%.")
        return flagged


@dataclass
class RoleCard:
    role: Role
    onet: OnetOccupation | None
    release: Release | None
    national: WageSummary | None
    national_change: Change | None
    history: list[tuple[str, int | None]]
    market: MarketEstimate
    # rolescope's own counts (postings open, candidates open to work); when they reach the threshold they
    # replace the public estimates in `market` / `local_market`, whose basis then says "rolescope".
    platform: PlatformCounts
    resolution: Resolution | None = None
    local: WageSummary | None = None
    local_notes: list[str] = field(default_factory=list)
    local_market: MarketEstimate | None = None
    local_platform: PlatformCounts | None = None
    duties: list[str] = field(default_factory=list)
    duties_source: str = ""
    skills: list[Rating] = field(default_factory=list)
    knowledge: list[Rating] = field(default_factory=list)
    technology: list[TechnologySkill] = field(default_factory=list)
    education: list[EducationShare] = field(default_factory=list)
    typical_education: str = ""
    related: list[Role] = field(default_factory=list)

    @property
    def description(self) -> str:
        return self.role.short_description or (self.onet.description if self.onet else "")

    @property
    def local_difference(self) -> Decimal | None:
        """Percent difference of the local median from the national median."""
        if not (
            self.local and self.national and self.local.estimate.annual_median and self.national.estimate.annual_median
        ):
            return None
        national = Decimal(self.national.estimate.annual_median)
        return ((self.local.estimate.annual_median - national) * 100 / national).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class OccupationProfile:
    """What a role shows that depends only on its occupation and the data loaded, not on the role's own
    text or the place: kept in process memory per data version."""

    onet: OnetOccupation | None
    release: Release | None
    national: WageSummary | None
    national_change: Change | None
    history: list[tuple[str, int | None]]
    market: MarketEstimate
    tasks: list[str]
    skills: list[Rating]
    knowledge: list[Rating]
    technology: list[TechnologySkill]
    education: list[EducationShare]
    related_socs: list[str]
    typical_education: str


@versions.memoized("occupation profiles", maxsize=2048)
def occupation_profile(soc: str) -> OccupationProfile:
    """Kept in process memory until the data version changes, so a new import is seen at once."""
    release = current_release()
    national, history = national_estimates(soc, release) if release else (None, [])
    onet = OnetOccupation.objects.filter(occupation_id=soc).select_related("job_zone").order_by("code").first()
    market = national_market(national.occupation_id if national else soc)
    tasks: list[str] = []
    ratings: list[Rating] = []
    technology: list[TechnologySkill] = []
    education: list[EducationShare] = []
    related: list[str] = []
    if onet:
        tasks = [text for text, kind in onet.tasks.order_by("task_id").values_list("text", "kind") if kind == "core"]
        tasks = tasks or list(onet.tasks.order_by("task_id").values_list("text", flat=True)[:20])
        ratings = list(
            onet.ratings.filter(importance__isnull=False, not_relevant=False)
            .select_related("element")
            .order_by("-importance", "element__name")
        )
        technology = list(onet.technology_skills.order_by("-hot", "-in_demand", "example")[:24])
        education = list(
            onet.education_shares.filter(category__scale="RL", percent__gt=0)
            .select_related("category")
            .order_by("category__category")
        )
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
        history=[(estimate.release.name, estimate.annual_median) for estimate in history],
        market=market,
        tasks=tasks,
        skills=[r for r in ratings if r.domain == Rating.Domain.SKILL][:10],
        knowledge=[r for r in ratings if r.domain == Rating.Domain.KNOWLEDGE][:10],
        technology=technology,
        education=education,
        related_socs=[code for code in dict.fromkeys(related) if code != soc][:10],
        typical_education=market.projection.entry_education if market.projection else "",
    )


def role_card(role: Role, location: str | None = None) -> RoleCard:
    profile = occupation_profile(role.occupation_id)
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
    if profile.related_socs:
        by_soc = {
            r.occupation_id: r for r in Role.objects.filter(occupation_id__in=profile.related_socs, is_curated=False)
        }
        card.related = [by_soc[code] for code in profile.related_socs if code in by_soc]
    if location is not None and profile.release:
        card.resolution = resolve(location)
        if card.resolution.place:
            stats_code = profile.national.estimate.occupation_id if profile.national else role.occupation_id
            local, card.local_notes = local_estimate(stats_code, card.resolution.place.area, profile.release)
            card.local = WageSummary(local, profile.release) if local else None
            card.local_market = local_market(profile.market, card.resolution.place.area)
            card.local_platform = platform_counts(role.occupation_id, card.resolution.place.area)
            if card.local_platform.sufficient:
                card.local_market = platform_market(card.local_platform, role.occupation_id)
    return card
