"""Role profiles: what a role shows that depends only on its occupation and the OEWS release (O*NET's description,
tasks, skills, knowledge, technology, education, job zone and related occupations; the national figures, their
history and change; the national market estimate), built once for every occupation and stored in `RoleProfile`.

`profiles_rebuild` runs when the data it reads is imported or a release is published or rolled back (registered
with `sources.derived` in `roles.apps`), inside that transaction. `profile_read` is one indexed query; a row that is
missing (a release asked for with ?release=, an occupation given a role later, data loaded another way) is built on
first read and stored, so every server shares the work. The builder reads every source table once for all
occupations (one query each, not one per occupation), except the market estimate, which `market.difficulty` computes
per occupation.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import Col
from django.db.models.options import Options
from django.utils import timezone

from geo.models import NATIONAL, Area
from lib.db import Converters, fetch_one
from market.difficulty import Citation, MarketEstimate, national_markets
from market.models import Projection
from occupations.models import (
    EducationShare,
    JobZone,
    Occupation,
    OnetOccupation,
    Rating,
    RelatedOccupation,
    Task,
    TechnologySkill,
)
from occupations.services import soc_ancestors
from roles import pathway
from roles.models import Role, RoleProfile, RoleSections
from sources.loading import TableWriter
from wages.models import Figure, Release, WageEstimate
from wages.queries import Change, change_between, current_release, release_of
from wages.summary import HistoryPoint, WageSummary

M = TypeVar("M", bound=models.Model)


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


@dataclass(frozen=True)
class OccupationProfile:
    """What a role shows that depends only on its occupation and the release, not on the role's own text or the
    place (stored as `RoleProfile.payload`)."""

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
    # issue 19 (roles.pathway): the outlook, how to get in and the next steps
    outlook: pathway.Outlook | None = None
    entry: pathway.Entry | None = None
    next_steps: list[pathway.NextStep] = field(default_factory=list)


def technology_groups(skills: list[TechnologyRow]) -> list[TechnologyGroup]:
    """Technology examples grouped by O*NET commodity, as O*NET lists them: within a group Hot Technologies first,
    then In Demand, then A-Z; groups with more Hot Technologies first, then larger groups, then A-Z."""
    groups: dict[str, list[TechnologyRow]] = {}
    for skill in sorted(skills, key=lambda t: (not t.hot, not t.in_demand, t.example.lower())):
        groups.setdefault(skill.commodity_title, []).append(skill)
    ordered = [TechnologyGroup(title, examples) for title, examples in groups.items()]
    return sorted(ordered, key=lambda group: (-group.hot, -len(group.examples), group.title.lower()))


# Reading -----------------------------------------------------------------------------------------------------------


def profile_read(soc: str, year: int = 0) -> OccupationProfile:
    """The profile of occupation `soc` with the wages of release `year` (0: the current release, never a staged one):
    its stored row with its release (one indexed query), or built and stored now when there is none."""
    return profile_row_read(soc, year).profile


@dataclass(frozen=True)
class ProfileRow:
    """A profile as read, with when it was built and, when asked for, one role's stored sections (`RoleSections`'s
    digest and HTML, None when there is no row) read in the same query."""

    profile: OccupationProfile
    built_at: datetime | None
    sections_digest: str | None = None
    sections_html: dict[str, str] | None = None


@dataclass(frozen=True)
class _RowQuery:
    """The SQL of one occupation's stored profile in one release, with one role's stored sections beside it, and the
    converters of its columns (JSON, SQLite's datetime text), made once per database: the ORM's annotate, subqueries
    and compiler cost a role page more than the query did."""

    sql: str
    converters: Converters


_row_queries: dict[str, _RowQuery] = {}


def _row_query(alias: str) -> _RowQuery:
    query = _row_queries.get(alias)
    if query is None:
        quote = connections[alias].ops.quote_name
        profile, sections = RoleProfile._meta, RoleSections._meta

        def field(meta: "Options[Any]", name: str) -> "models.Field[Any, Any]":
            return next(concrete for concrete in meta.concrete_fields if concrete.name == name)

        def column(meta: "Options[Any]", name: str) -> str:
            return f"{quote(meta.db_table)}.{quote(field(meta, name).column)}"

        selected: list[tuple[Options[Any], str]] = [
            (profile, "payload"),
            (profile, "built_at"),
            (sections, "digest"),
            (sections, "html"),
        ]
        columns = [Col(meta.db_table, field(meta, name)) for meta, name in selected]
        sql = (
            f"SELECT {', '.join(column(meta, name) for meta, name in selected)} FROM {quote(profile.db_table)} "
            f"LEFT OUTER JOIN {quote(sections.db_table)} ON {column(sections, 'role')} = %s "
            f"AND {column(sections, 'release')} = {column(profile, 'release')} "
            # (occupation, release) is unique (one_profile_per_release), as is (role, release): at most one row
            f"WHERE {column(profile, 'occupation')} = %s AND {column(profile, 'release')} = %s"
        )
        compiler = RoleProfile.objects.none().query.get_compiler(using=alias)
        query = _RowQuery(sql, compiler.get_converters(columns))
        _row_queries[alias] = query
    return query


def _stored_row(soc: str, release: Release, role_id: int | None, using: str = "default") -> list[Any] | None:
    """(payload, built_at, sections digest, sections HTML) of the stored profile, or None when none is stored."""
    query = _row_query(using)
    return fetch_one(query.sql, [role_id, soc, release.year], query.converters, using)


def profile_row_read(soc: str, year: int = 0, role_id: int | None = None) -> ProfileRow:
    """`profile_read`, and with `role_id` that role's stored page sections for the same release (same query). The
    release is found in process memory (`release_of`); the row is one indexed query."""
    release = release_of(year)
    row = _stored_row(soc, release, role_id) if release is not None else None
    if row is not None:
        payload, built_at, digest, html = row
        return ProfileRow(_profile_of(payload, release), built_at, digest, html)
    if release is None:
        return ProfileRow(_profile_of(_payloads([soc], None)[soc], None), None)  # no release: nothing to key a row by
    payload = _payloads([soc], release)[soc]
    built_at = timezone.now()
    # another server may store the same row meanwhile: both built it from the same data
    RoleProfile.objects.bulk_create(
        [RoleProfile(occupation_id=soc, release=release, payload=payload, built_at=built_at)],
        ignore_conflicts=True,
    )
    return ProfileRow(_profile_of(payload, release), built_at)


@dataclass(frozen=True)
class NationalFigures:
    """The part of a profile that a comparison of roles across places reads: the national wages and market."""

    national: WageSummary | None
    market: MarketEstimate


def national_figures_read(socs: list[str], release: Release) -> dict[str, NationalFigures]:
    """The national wages and market of each occupation's stored profile for `release`, in one query that decodes
    only those two parts of each payload (a whole profile is about ten times larger); a profile not stored yet is
    built and stored (`profile_read`)."""
    rows = RoleProfile.objects.filter(occupation_id__in=set(socs), release_id=release.year)
    found = {}
    for soc, national, market in rows.values_list("occupation_id", "payload__national", "payload__market"):
        estimate = _estimate_of(national, release) if national else None
        found[soc] = NationalFigures(WageSummary(estimate, release) if estimate else None, _market_of(market))
    for soc in set(socs) - set(found):
        profile = profile_read(soc, release.year)
        found[soc] = NationalFigures(profile.national, profile.market)
    return found


def profiles_of_release(release: Release) -> Iterator[tuple[str, OccupationProfile, datetime]]:
    """(occupation code, profile, built at) of every profile stored for `release` (one query)."""
    rows = RoleProfile.objects.filter(release=release).values_list("occupation_id", "payload", "built_at")
    for soc, payload, built_at in rows.iterator(chunk_size=200):
        yield soc, _profile_of(payload, release), built_at


# Building ----------------------------------------------------------------------------------------------------------


def profiles_rebuild() -> int:
    """Replace every stored profile with the current release's, built for every occupation a role takes its figures
    from (other releases are built when first asked for). Atomic: a failed build leaves the previous rows."""
    with transaction.atomic():
        RoleProfile.objects.all().delete()
        release = current_release()
        if release is None:
            return 0
        return profiles_build(release)


def profiles_build(release: Release) -> int:
    """Build and store the profile of every role's occupation with the wages of `release`."""
    codes = sorted(set(Role.objects.values_list("occupation_id", flat=True)))
    built_at = timezone.now()
    # COPY on PostgreSQL: an INSERT of 9 MB of JSON spends seconds quoting it
    writer = TableWriter(RoleProfile, ["occupation", "release", "payload", "built_at"], batch_size=200)
    for soc, payload in _payloads(codes, release).items():
        writer.add((soc, release.year, payload, built_at))
    writer.flush()
    return writer.written


def _payloads(codes: list[str], release: Release | None) -> dict[str, dict[str, Any]]:
    """soc -> its profile as JSON, for every code at once (one query per source table)."""
    onet = _onet_parts(codes)
    related_codes = {code for parts in onet.values() for code in parts["related"]}
    if extra := sorted(related_codes - set(codes)):  # next steps compare skills with occupations outside `codes`
        onet |= _onet_parts(extra)
    nationals = _national_estimates({*codes, *related_codes}, release) if release else {}
    national_json = {code: _estimate_json(estimate) for code, (estimate, _) in nationals.items()}
    figures_codes = {soc: nationals[soc][0].occupation_id if soc in nationals else soc for soc in codes}
    markets = national_markets(set(figures_codes.values()))
    total = pathway.totals()
    payloads = {}
    for soc in codes:
        national, history = nationals.get(soc, (None, []))
        market = markets[figures_codes[soc]]
        parts = onet.get(soc, {})
        change = change_between(history[-2], history[-1]) if len(history) > 1 else None
        related = [code for code in dict.fromkeys(parts.get("related", [])) if code != soc][:10]
        payloads[soc] = {
            "onet": parts.get("onet"),
            "national": _estimate_json(national) if national else None,
            "change": _change_json(change) if change else None,
            "history": [
                [
                    e.release.name,
                    _figure_json(e.figure("annual_median", e.release)),
                    _figure_json(e.figure("hourly_median", e.release)),
                ]
                for e in history
            ],
            "market": _market_json(market),
            "tasks": parts.get("tasks", []),
            "skills": parts.get("skills", []),
            "knowledge": parts.get("knowledge", []),
            "technology": parts.get("technology", []),
            "education": parts.get("education", []),
            "related_socs": related,
            "typical_education": market.projection.entry_education if market.projection else "",
            "outlook": pathway.outlook_json(market.projection, total),
            "entry": pathway.entry_json(market.projection),
            "next_steps": pathway.next_steps_json(soc, related, onet, national_json),
        }
    return payloads


def _onet_parts(codes: list[str]) -> dict[str, dict[str, Any]]:
    """soc -> O*NET's part of its profile (the first O*NET-SOC occupation of the SOC code, as O*NET orders them)."""
    chosen: dict[str, OnetOccupation] = {}
    for onet in OnetOccupation.objects.filter(occupation_id__in=codes).select_related("job_zone").order_by("code"):
        chosen.setdefault(onet.occupation_id, onet)
    soc_of = {onet.code: soc for soc, onet in chosen.items()}
    parts: dict[str, dict[str, Any]] = {
        soc: {"onet": _onet_json(onet), "tasks": [], "skills": [], "knowledge": [], "education": [], "related": []}
        for soc, onet in chosen.items()
    }
    tasks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, text, kind in (
        Task.objects.filter(onet_id__in=soc_of).order_by("onet_id", "task_id").values_list("onet_id", "text", "kind")
    ):
        tasks[code].append((text, kind))
    for code, rows in tasks.items():
        parts[soc_of[code]]["tasks"] = [text for text, kind in rows if kind == "core"] or [t for t, _ in rows[:20]]
    domains: dict[str, str] = {Rating.Domain.SKILL: "skills", Rating.Domain.KNOWLEDGE: "knowledge"}
    ratings = (
        Rating.objects.filter(onet_id__in=soc_of, domain__in=domains, importance__isnull=False, not_relevant=False)
        .order_by("onet_id", "domain", "-importance", "element__name")
        .values_list("onet_id", "domain", "element__name", "importance", "level")
    )
    for code, domain, name, importance, level in ratings:
        kept = parts[soc_of[code]][domains[domain]]
        if len(kept) < 10:
            kept.append([name, _plain(importance), _plain(level)])
    technology: dict[str, list[TechnologyRow]] = defaultdict(list)
    examples = TechnologySkill.objects.filter(onet_id__in=soc_of).values_list(
        "onet_id", "example", "commodity_title", "hot", "in_demand"
    )
    for code, example, commodity_title, hot, in_demand in examples:
        technology[code].append(TechnologyRow(example, commodity_title, hot, in_demand))
    for soc, onet in chosen.items():
        parts[soc]["technology"] = [
            [group.title, [[t.example, t.commodity_title, t.hot, t.in_demand] for t in group.examples]]
            for group in technology_groups(technology.get(onet.code, []))
        ]
    education = (
        EducationShare.objects.filter(onet_id__in=soc_of, category__scale="RL", percent__gt=0)
        .order_by("onet_id", "category__category")
        .values_list("onet_id", "category__description", "percent")
    )
    for code, description, percent in education:
        parts[soc_of[code]]["education"].append([description, _plain(percent)])
    related = RelatedOccupation.objects.filter(onet_id__in=soc_of).order_by("onet_id", "rank")
    for code, related_soc in related.values_list("onet_id", "related__occupation_id"):
        parts[soc_of[code]]["related"].append(related_soc)
    return parts


def _national_estimates(codes: Iterable[str], release: Release) -> dict[str, tuple[WageEstimate, list[WageEstimate]]]:
    """soc -> (its national estimate in `release`, or its nearest SOC ancestor's with one; that occupation's
    history), as `wages.queries.national_estimates` chooses them, for every code in one query."""
    chains = {code: [code, *soc_ancestors(code)[:3]] for code in codes}
    by_occupation: dict[str, list[WageEstimate]] = defaultdict(list)
    estimates = (
        WageEstimate.objects.filter(
            area_id=NATIONAL,
            occupation_id__in={c for chain in chains.values() for c in chain},
            release_id__lte=release.year,
        )
        .filter(Q(release__staged=False) | Q(release_id=release.year))
        .select_related("area", "occupation", "release")
        .order_by("release_id")
    )
    for estimate in estimates:
        by_occupation[estimate.occupation_id].append(estimate)
    found = {}
    for code, chain in chains.items():
        current = {c: e for c in chain for e in by_occupation.get(c, []) if e.release_id == release.year}
        chosen = next((current[c] for c in chain if c in current), None)
        if chosen is not None:
            found[code] = (chosen, by_occupation[chosen.occupation_id])
    return found


# JSON: Decimals as strings, model instances as their column values -------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _decimal(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


def _model_json(instance: models.Model) -> dict[str, Any]:
    return {field.attname: _plain(getattr(instance, field.attname)) for field in instance._meta.concrete_fields}


def _model_of(model: type[M], data: dict[str, Any]) -> M:
    return model(**{field.attname: field.to_python(data[field.attname]) for field in model._meta.concrete_fields})


def _onet_json(onet: OnetOccupation) -> dict[str, Any]:
    return _model_json(onet) | {"job_zone": _model_json(onet.job_zone) if onet.job_zone else None}


def _onet_of(data: dict[str, Any]) -> OnetOccupation:
    onet = _model_of(OnetOccupation, {k: v for k, v in data.items() if k != "job_zone"})
    if data["job_zone"] is not None:
        onet.job_zone = _model_of(JobZone, data["job_zone"])
    return onet


def _estimate_json(estimate: WageEstimate) -> dict[str, Any]:
    return {
        "estimate": _model_json(estimate),
        "area": _model_json(estimate.area),
        "occupation": _model_json(estimate.occupation),
        "release": _model_json(estimate.release),
    }


def _estimate_of(data: dict[str, Any], release: Release | None = None) -> WageEstimate:
    estimate = _model_of(WageEstimate, data["estimate"])
    estimate.area = _model_of(Area, data["area"])
    estimate.occupation = _model_of(Occupation, data["occupation"])
    estimate.release = release if release is not None else _model_of(Release, data["release"])
    return estimate


def _change_json(change: Change) -> dict[str, Any]:
    return {"previous": _estimate_json(change.previous), "percent": str(change.percent), "unit": change.unit}


def _figure_json(figure: Figure) -> list[Any]:
    return [_plain(figure.value), figure.special, figure.unit, _plain(figure.ceiling)]


def _figure_of(data: list[Any]) -> Figure:
    value, special, unit, ceiling = data
    return Figure(_decimal(value), special, unit, _decimal(ceiling))


def _market_json(market: MarketEstimate) -> dict[str, Any]:
    return {
        "occupation_code": market.occupation_code,
        "area_name": market.area_name,
        "openings": market.openings,
        "experienced": market.experienced,
        "new_entrants": market.new_entrants,
        "area_share": _plain(market.area_share),
        "projection": _model_json(market.projection) if market.projection else None,
        "notes": market.notes,
        "citations": [[citation.label, citation.source] for citation in market.citations],
        "basis": market.basis,
    }


def _market_of(data: dict[str, Any]) -> MarketEstimate:
    return MarketEstimate(
        occupation_code=data["occupation_code"],
        area_name=data["area_name"],
        openings=data["openings"],
        experienced=data["experienced"],
        new_entrants=data["new_entrants"],
        area_share=_decimal(data["area_share"]),
        projection=_model_of(Projection, data["projection"]) if data["projection"] else None,
        notes=list(data["notes"]),
        citations=[Citation(label, source) for label, source in data["citations"]],
        basis=data["basis"],
    )


def _rating_of(row: list[Any]) -> RatingRow:
    name, importance, level = row
    return RatingRow(name, _decimal(importance), _decimal(level))


def _profile_of(payload: dict[str, Any], release: Release | None) -> OccupationProfile:
    national = _estimate_of(payload["national"], release) if payload["national"] and release else None
    change = payload["change"]
    return OccupationProfile(
        onet=_onet_of(payload["onet"]) if payload["onet"] else None,
        release=release,
        national=WageSummary(national, release) if national and release else None,
        national_change=(
            Change(
                current=national,
                previous=_estimate_of(change["previous"]),
                percent=Decimal(change["percent"]),
                unit=change["unit"],
            )
            if change and national
            else None
        ),
        history=[
            HistoryPoint(name, _figure_of(annual), _figure_of(hourly)) for name, annual, hourly in payload["history"]
        ],
        market=_market_of(payload["market"]),
        tasks=list(payload["tasks"]),
        skills=[_rating_of(row) for row in payload["skills"]],
        knowledge=[_rating_of(row) for row in payload["knowledge"]],
        technology=[
            TechnologyGroup(title, [TechnologyRow(*row) for row in rows]) for title, rows in payload["technology"]
        ],
        education=[EducationRow(description, Decimal(percent)) for description, percent in payload["education"]],
        related_socs=list(payload["related_socs"]),
        typical_education=payload["typical_education"],
        outlook=pathway.outlook_of(payload.get("outlook")),
        entry=pathway.entry_of(payload.get("entry")),
        next_steps=pathway.next_steps_of(payload.get("next_steps")),
    )
