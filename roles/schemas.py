"""API contract for roles: the role card is everything the role page shows."""

from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from geo.schemas import AreaOut
from market.difficulty import MarketEstimate
from market.platform import PlatformCounts
from market.programmes import Programmes
from occupations.schemas import OccupationRef, OnetOut
from roles.card import RoleCard
from roles.models import Role
from roles.pathway import NextStep
from wages.schemas import WageOut


class RoleSummary(Schema):
    slug: str
    title: str
    category: str
    soc_code: str = Field(description="SOC code of the occupation the role's figures come from.")
    url: str = Field(description="The role page.")
    matched: str = Field("", description="The other title that matched the search, if not the role's own.")


class ChangeOut(Schema):
    percent: float = Field(description="Percent change of the median wage.")
    unit: Literal["year", "hour"] = Field(
        description="year: the annual median; hour: the hourly median, for occupations BLS publishes hourly only."
    )
    from_release: str
    to_release: str
    from_median: float = Field(description="Median in `unit`, dollars.")
    to_median: float = Field(description="Median in `unit`, dollars.")
    note: str = "BLS notes that OEWS estimates are not designed for comparisons over time."


class HistoryPoint(Schema):
    release: str
    median: int | None = Field(description="National median annual wage (null where not published as a number).")
    hourly_median: float | None = Field(description="National median hourly wage.")
    special: dict[str, str] = Field(description="annual_median / hourly_median -> BLS symbol, where one stands.")


class Citation(Schema):
    label: str
    source: str


class PlatformOut(Schema):
    area: str
    active_postings: int = Field(description="rolescope postings for the occupation open now.")
    open_to_work_candidates: int = Field(description="rolescope candidates open to work for it now.")
    threshold: int = Field(description="Both counts must reach this before the market figures use them.")
    used: bool = Field(description="Whether the market figures use these counts instead of public estimates.")

    @staticmethod
    def of(counts: PlatformCounts) -> "PlatformOut":
        return PlatformOut(
            area=counts.area_name,
            active_postings=counts.active_postings,
            open_to_work_candidates=counts.open_candidates,
            threshold=counts.minimum,
            used=counts.sufficient,
        )


class MarketOut(Schema):
    area: str
    basis: Literal["public", "rolescope"] = Field(
        description="public: BLS/NCES estimates (openings and supply a year); rolescope: the platform's own "
        "postings open and candidates open to work now."
    )
    job_openings: int | None = Field(description="Job openings (demand): a year, or open now for rolescope data.")
    candidate_supply: int | None = Field(description="Experienced job seekers plus new entrants.")
    experienced_job_seekers: int | None
    new_entrants: int | None
    difficulty: float | None = Field(description="100 x supply / (supply + openings): 0 more, 100 less difficult.")
    difficulty_label: str
    sources: list[Citation]
    notes: list[str]

    @staticmethod
    def of(market: MarketEstimate) -> "MarketOut":
        return MarketOut(
            area=market.area_name,
            basis="rolescope" if market.basis == "rolescope" else "public",
            job_openings=market.openings,
            candidate_supply=market.supply,
            experienced_job_seekers=market.experienced,
            new_entrants=market.new_entrants,
            difficulty=float(market.difficulty) if market.difficulty is not None else None,
            difficulty_label=market.difficulty_label,
            sources=[Citation(label=c.label, source=c.source) for c in market.citations],
            notes=market.notes,
        )


class LocationOut(Schema):
    query: str
    label: str
    area: AreaOut


class Requirement(Schema):
    label: str
    text: str


class RatingOut(Schema):
    name: str
    importance: float | None = Field(description="O*NET importance, 1-5.")
    level: float | None = Field(description="O*NET level, 0-7.")


class TechnologyOut(Schema):
    example: str
    category: str
    hot: bool = Field(description="O*NET Hot Technology.")
    in_demand: bool = Field(description="O*NET In Demand.")


class EducationOut(Schema):
    level: str
    percent: float


class JobZoneOut(Schema):
    zone: int
    name: str
    education: str
    experience: str
    job_training: str
    examples: str
    svp_range: str = Field(description="O*NET's Specific Vocational Preparation range: levels, not years.")
    svp_time: str = Field(
        description="The preparation time that SVP range stands for, e.g. 'over 2 years, up to 4 years'."
    )


class RoleRef(Schema):
    slug: str
    title: str
    url: str

    @staticmethod
    def of(role: Role) -> "RoleRef":
        return RoleRef(slug=role.slug, title=role.title, url=role.get_absolute_url())


class OutlookOut(Schema):
    period: str = Field(description="BLS Employment Projections period, e.g. 2024-34.")
    projection_code: str = Field(description="The National Employment Matrix line projected.")
    employment_base: float = Field(description="Employment in the base year, thousands (as BLS publishes it).")
    employment_target: float = Field(description="Projected employment ten years on, thousands.")
    change: float = Field(description="Projected change, thousands.")
    change_percent: float
    all_occupations_change_percent: float | None = Field(description="The same for all occupations: the average.")
    openings: float = Field(description="Annual average openings over the period, thousands.")
    source: str


class EntryOut(Schema):
    education: str = Field(description="BLS typical education needed for entry.")
    work_experience: str = Field(description="BLS work experience in a related occupation.")
    job_training: str = Field(description="BLS typical on-the-job training needed to attain competency.")
    apprenticeship: bool = Field(description="Whether BLS gives an apprenticeship as the typical training.")
    job_zone: int | None = Field(description="O*NET job zone, 1-5.")
    source: str


class OverlapOut(Schema):
    top: int = Field(description="How many of the related role's top elements (by O*NET importance) are compared.")
    shared: list[str] = Field(description="Those among this role's own top elements: what you already use.")
    build: list[str] = Field(description="The rest, most important first: what to build.")


class NextStepOut(Schema):
    role: RoleRef
    unit: str = Field(description="year or hour: the unit of the medians compared ('' when none can be).")
    median: float | None = Field(description="Its national median, in `unit`.")
    difference: float | None = Field(description="Its national median minus this role's, in `unit`.")
    local_median: float | None = Field(description="Its median in the local figures' area, in the local unit.")
    local_difference: float | None = Field(description="Its local median minus this role's local median.")
    skills: OverlapOut
    knowledge: OverlapOut


class PricesOut(Schema):
    rpp: float = Field(description="BEA Regional Price Parity, all items (U.S. = 100).")
    year: int
    bea_area: str = Field(description="BEA's area: the metro area, or the state's nonmetropolitan portion.")
    low: float | None = Field(description="Local Low at U.S.-average prices: pay / (RPP / 100).")
    medium: float | None
    high: float | None
    unit: str
    source: str
    note: str = "Compares price levels between places in one year; not an adjustment for inflation."


class OccupationOut(Schema):
    code: str = Field(description="SOC 2018 code.")
    title: str
    level: str = Field(description="total, major, minor, broad or detailed.")
    parent: OccupationRef | None
    children: list[OccupationRef]
    onet: list[OnetOut] = Field(description="O*NET occupations describing it (O*NET 30.1).")
    roles: list[RoleRef] = Field(description="Roles whose figures come from this occupation.")


class ProgrammeOut(Schema):
    cip_code: str = Field(description="CIP 2020 code of the program.")
    title: str
    award_level: str = Field(description="IPEDS award level, as NCES labels it.")
    completions: int = Field(description="Awards (first majors) in the academic year.")
    other_occupations: int = Field(description="Other occupations the CIP-SOC crosswalk links this program to.")


class SchoolOut(Schema):
    unitid: int = Field(description="IPEDS UNITID.")
    name: str
    city: str
    state: str
    url: str = Field(description="The institution's web address (IPEDS WEBADDR).")
    distance_miles: float | None = Field(description="From the place's point; null when listed by size.")
    completions: int = Field(description="Awards in the programs below, that year.")
    programmes: list[ProgrammeOut]


class ProgrammesOut(Schema):
    academic_year: str
    near: str = Field(description="The place measured from; a state or area when listed by size there; '' national.")
    institutions: int = Field(description="Institutions with a program that prepares for the occupation.")
    schools: list[SchoolOut] = Field(description="Nearest first to the place, else largest first.")
    citation: str

    @staticmethod
    def of(found: Programmes) -> "ProgrammesOut":
        return ProgrammesOut(
            academic_year=found.academic_year,
            near=found.near,
            institutions=found.institutions,
            citation=found.citation,
            schools=[
                SchoolOut(
                    unitid=s.unitid, name=s.name, city=s.city, state=s.state, url=s.url,
                    distance_miles=s.distance_miles, completions=s.completions,
                    programmes=[
                        ProgrammeOut(cip_code=p.code, title=p.title, award_level=p.award_level,
                                     completions=p.completions, other_occupations=p.other_occupations)
                        for p in s.programmes
                    ],
                )
                for s in found.schools
            ],
        )  # fmt: skip


class RoleCardOut(Schema):
    slug: str
    title: str
    url: str
    category: str
    occupation: OccupationRef = Field(description="The occupation the role maps to.")
    national: WageOut | None = Field(description="National OEWS estimate (Low/Medium/High = p25/median/p75).")
    change_from_previous_year: ChangeOut | None
    history: list[HistoryPoint] = Field(description="National median annual wage in each release loaded.")
    market: MarketOut = Field(description="Supply, demand and hiring difficulty, United States.")
    location: LocationOut | None
    local: WageOut | None = Field(description="Estimate for the location's area (or the state/nation if unpublished).")
    local_notes: list[str]
    local_difference_percent: float | None = Field(description="Local median against the national median, percent.")
    local_market: MarketOut | None
    platform: PlatformOut = Field(description="rolescope's own counts for the occupation, United States.")
    local_platform: PlatformOut | None = Field(description="rolescope's own counts in the location's area.")
    description: str
    duties: list[str]
    requirements: list[Requirement] = Field(description="The role's own requirements, where an editor wrote them.")
    skills: list[RatingOut]
    knowledge: list[RatingOut]
    technology: list[TechnologyOut]
    typical_education: str = Field(description="BLS Employment Projections typical entry education.")
    education: list[EducationOut] = Field(description="O*NET: education of people in the occupation, percent.")
    job_zone: JobZoneOut | None
    related_roles: list[RoleRef]
    programmes: ProgrammesOut | None = Field(
        None, description="Programmes near you: institutions whose programs prepare for the occupation (IPEDS)."
    )
    outlook: OutlookOut | None = Field(description="BLS Employment Projections for the occupation.")
    entry: EntryOut | None = Field(description="How to get in: BLS education and training categories.")
    next_steps: list[NextStepOut] = Field(description="Related roles: pay difference and skills overlap.")
    prices: PricesOut | None = Field(description="The local figures at U.S.-average prices (with a place).")
    citations: list[str]

    @staticmethod
    def of(card: RoleCard) -> "RoleCardOut":
        role = card.role
        return RoleCardOut(
            slug=role.slug,
            title=role.title,
            url=role.get_absolute_url(),
            category=role.category.name,
            occupation=OccupationRef(code=role.occupation.code, title=role.occupation.title),
            national=WageOut.of(card.national) if card.national else None,
            change_from_previous_year=_change_out(card),
            history=_history_out(card),
            market=MarketOut.of(card.market),
            location=_location_out(card),
            local=_local_out(card),
            local_notes=card.local_notes,
            local_difference_percent=_num(card.local_difference),
            local_market=MarketOut.of(card.local_market) if card.local_market else None,
            platform=PlatformOut.of(card.platform),
            local_platform=PlatformOut.of(card.local_platform) if card.local_platform else None,
            description=card.description,
            duties=card.duties,
            requirements=[Requirement(label=label, text=text) for label, text in role.skill_list],
            skills=[RatingOut(name=r.name, importance=_num(r.importance), level=_num(r.level)) for r in card.skills],
            knowledge=[
                RatingOut(name=r.name, importance=_num(r.importance), level=_num(r.level)) for r in card.knowledge
            ],
            technology=[
                TechnologyOut(example=t.example, category=t.commodity_title, hot=t.hot, in_demand=t.in_demand)
                for group in card.technology
                for t in group.examples
            ],
            typical_education=card.typical_education,
            education=[EducationOut(level=e.description, percent=float(e.percent)) for e in card.education],
            job_zone=_job_zone_out(card),
            related_roles=[RoleRef.of(r) for r in card.related],
            programmes=ProgrammesOut.of(card.programmes) if card.programmes else None,
            outlook=_outlook_out(card),
            entry=_entry_out(card),
            next_steps=[_next_step_out(step) for step in card.next_steps],
            prices=_prices_out(card),
            citations=_citations(card),
        )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _change_out(card: RoleCard) -> ChangeOut | None:
    change = card.national_change
    if change is None:
        return None
    return ChangeOut(
        percent=float(change.percent),
        unit="hour" if change.unit == "hour" else "year",
        from_release=change.previous.release.name,
        to_release=change.current.release.name,
        from_median=float(change.previous_value),
        to_median=float(change.current_value),
    )


def _history_out(card: RoleCard) -> list[HistoryPoint]:
    return [
        HistoryPoint(
            release=point.release,
            median=None if point.annual.value is None else int(point.annual.value),
            hourly_median=_num(point.hourly.value),  # type: ignore[arg-type]
            special={
                name: figure.special
                for name, figure in (("annual_median", point.annual), ("hourly_median", point.hourly))
                if figure.special
            },
        )
        for point in card.history
    ]


def _location_out(card: RoleCard) -> LocationOut | None:
    place = card.resolution.place if card.resolution else None
    return LocationOut(query=place.query, label=place.label, area=AreaOut.of(place.area)) if place else None


def _local_out(card: RoleCard) -> WageOut | None:
    """The local estimate, with where it comes from when that is not the place's own area."""
    local = WageOut.of(card.local) if card.local else None
    if local is not None and card.located is not None:
        local.area_note = card.located.note
    return local


def _job_zone_out(card: RoleCard) -> JobZoneOut | None:
    zone = card.onet.job_zone if card.onet else None
    if not zone:
        return None
    return JobZoneOut(
        zone=zone.zone,
        name=zone.name,
        education=zone.education,
        experience=zone.experience,
        job_training=zone.job_training,
        examples=zone.examples,
        svp_range=zone.svp_range,
        svp_time=zone.svp_time,
    )


def _outlook_out(card: RoleCard) -> OutlookOut | None:
    o = card.outlook
    if o is None:
        return None
    return OutlookOut(
        period=o.period,
        projection_code=o.code,
        employment_base=float(o.employment_base),
        employment_target=float(o.employment_target),
        change=float(o.change),
        change_percent=float(o.change_percent),
        all_occupations_change_percent=_num(o.all_change_percent),
        openings=float(o.openings),
        source=o.source,
    )


def _entry_out(card: RoleCard) -> EntryOut | None:
    e = card.entry
    if e is None:
        return None
    zone = card.onet.job_zone if card.onet else None
    return EntryOut(
        education=e.education,
        work_experience=e.work_experience,
        job_training=e.job_training,
        apprenticeship=e.apprenticeship,
        job_zone=zone.zone if zone else None,
        source=e.source,
    )


def _next_step_out(step: NextStep) -> NextStepOut:
    return NextStepOut(
        role=RoleRef.of(step.role),
        unit=step.unit,
        median=_num(step.median),
        difference=_num(step.difference),
        local_median=_num(step.local_median),
        local_difference=_num(step.local_difference),
        skills=OverlapOut(top=step.skills.top, shared=step.skills.shared, build=step.skills.build),
        knowledge=OverlapOut(top=step.knowledge.top, shared=step.knowledge.shared, build=step.knowledge.build),
    )


def _prices_out(card: RoleCard) -> PricesOut | None:
    p, local = card.price_parity, card.local
    if p is None or local is None:
        return None
    return PricesOut(
        rpp=float(p.rpp),
        year=p.year,
        bea_area=p.bea_name,
        low=_num(p.at_us_prices(local.low.value, local.unit)),
        medium=_num(p.at_us_prices(local.medium.value, local.unit)),
        high=_num(p.at_us_prices(local.high.value, local.unit)),
        unit=local.unit,
        source=p.source,
    )


def _citations(card: RoleCard) -> list[str]:
    citations = [card.release.citation] if card.release else []
    citations += sorted({c.source for c in card.market.citations})
    citations += [s.source for s in (card.outlook, card.entry) if s is not None and s.source not in citations]
    if card.price_parity:
        citations.append(card.price_parity.source)
    if card.onet:
        citations.append("O*NET 30.1 Database, USDOL/ETA (CC BY 4.0)")
    return citations


def role_summary(role: Role, matched: str = "") -> RoleSummary:
    return RoleSummary(
        slug=role.slug,
        title=role.title,
        category=role.category.name,
        soc_code=role.occupation_id,
        url=role.get_absolute_url(),
        matched=matched,
    )
