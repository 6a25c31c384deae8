"""Everything the role page shows, gathered once: the page, the downloads and the API use the same card."""

from dataclasses import dataclass, field
from decimal import Decimal

from geo.resolve import Resolution, resolve
from market.difficulty import MarketEstimate, local_market, national_market
from occupations.models import EducationShare, OnetOccupation, Rating, RelatedOccupation, TechnologySkill
from roles.models import Role
from wages.models import Figure, Release, WageEstimate
from wages.queries import NATIONAL, Change, change_between, current_release, local_estimate, national_estimates

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
    resolution: Resolution | None = None
    local: WageSummary | None = None
    local_notes: list[str] = field(default_factory=list)
    local_market: MarketEstimate | None = None
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


def role_card(role: Role, location: str | None = None) -> RoleCard:
    soc = role.occupation_id
    release = current_release()
    national, history = national_estimates(soc, release) if release else (None, [])
    onet = OnetOccupation.objects.filter(occupation_id=soc).select_related("job_zone").order_by("code").first()
    stats_code = national.occupation_id if national else soc
    card = RoleCard(
        role=role,
        onet=onet,
        release=release,
        national=WageSummary(national, release) if national and release else None,
        national_change=change_between(history[-2], history[-1]) if len(history) > 1 else None,
        history=[(estimate.release.name, estimate.annual_median) for estimate in history],
        market=national_market(stats_code),
    )
    if location is not None and release:
        card.resolution = resolve(location)
        if card.resolution.place:
            local, card.local_notes = local_estimate(stats_code, card.resolution.place.area, release)
            card.local = WageSummary(local, release) if local else None
            card.local_market = local_market(card.market, card.resolution.place.area)
    if role.duty_list:
        card.duties, card.duties_source = role.duty_list, ""
    elif onet:
        card.duties = list(onet.tasks.filter(kind="core").values_list("text", flat=True)) or list(
            onet.tasks.values_list("text", flat=True)[:20]
        )
        card.duties_source = "O*NET task statements"
    if onet:
        ratings = list(
            onet.ratings.filter(importance__isnull=False, not_relevant=False)
            .select_related("element")
            .order_by("-importance", "element__name")
        )
        card.skills = [r for r in ratings if r.domain == Rating.Domain.SKILL][:10]
        card.knowledge = [r for r in ratings if r.domain == Rating.Domain.KNOWLEDGE][:10]
        card.technology = list(onet.technology_skills.order_by("-hot", "-in_demand", "example")[:24])
        card.education = list(
            onet.education_shares.filter(category__scale="RL", percent__gt=0)
            .select_related("category")
            .order_by("category__category")
        )
        related_socs = list(
            RelatedOccupation.objects.filter(onet=onet)
            .order_by("rank")
            .values_list("related__occupation_id", flat=True)[:10]
        )
        by_soc = {r.occupation_id: r for r in Role.objects.filter(occupation_id__in=related_socs, is_curated=False)}
        card.related = [by_soc[code] for code in dict.fromkeys(related_socs) if code in by_soc and code != soc]
    card.typical_education = card.market.projection.entry_education if card.market.projection else ""
    return card
