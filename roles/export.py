"""The role card as a CSV: a row for the nation and one for the place, every figure the page shows, units in the
header, then a row for each related role (section "next_step"). BLS symbols stay in their cells as BLS publishes
them ("#", "*"), with the page's sentence for them in `notes`, so the file reads like the source and like the page."""

import csv
import io
from decimal import Decimal

from market.difficulty import MarketEstimate
from roles.card import RoleCard
from wages.queries import Change
from wages.summary import WageSummary

Value = str | int | Decimal | None
PERCENTILE_KEYS = ("p10", "p25", "median", "p75", "p90", "mean")


def _row(card: RoleCard, section: str, summary: WageSummary, market: MarketEstimate | None) -> dict[str, Value]:
    def published(name: str) -> Value:
        figure = summary.figure(name)
        return figure.special or figure.value

    change = card.national_change if section == "national" else None
    row: dict[str, Value] = {
        "section": section,
        "place": card.place.label if section == "local" and card.place else "",
        "area_code": summary.estimate.area_id,
        "area": summary.area_name,
        "occupation_code": summary.estimate.occupation_id,
        "release": summary.release.name,
        "wage_unit_published": summary.unit,
    }
    for unit, suffix in (("annual", "usd_per_year"), ("hourly", "usd_per_hour")):
        for key in PERCENTILE_KEYS:
            row[f"{unit}_{key}_{suffix}"] = published(f"{unit}_{key}")
    row |= {
        "mean_wage_rse_percent": published("mean_rse"),
        "employment": published("employment"),
        "employment_rse_percent": published("employment_rse"),
        "jobs_per_1000": published("jobs_per_1000"),
        "location_quotient": published("location_quotient"),
        "median_vs_national_percent": card.local_difference if section == "local" else None,
    }
    row |= _change_columns(change) | _market_columns(market)
    row |= _outlook_columns(card if section == "national" else None) | _price_columns(card, section)
    row |= {
        "notes": " ".join(
            [*(card.local_notes if section == "local" else []), *summary.notes, *(market.notes if market else [])]
        ),
        "sources": "; ".join(
            [
                summary.release.citation,
                *sorted({c.source for c in market.citations} if market else set()),
                *_section_sources(card, section),
            ]
        ),
    }
    return row


def _section_sources(card: RoleCard, section: str) -> list[str]:
    if section == "national":
        return list(dict.fromkeys(part.source for part in (card.outlook, card.entry) if part is not None))
    return [card.price_parity.source] if card.price_parity else []


def _outlook_columns(card: RoleCard | None) -> dict[str, Value]:
    """BLS Employment Projections (thousands, as published) and the entry categories: the national row only."""
    o, e = (card.outlook, card.entry) if card else (None, None)
    zone = card.onet.job_zone if card and card.onet else None
    return {
        "projections_period": o.period if o else None,
        "employment_base_thousands": o.employment_base if o else None,
        "employment_projected_thousands": o.employment_target if o else None,
        "employment_change_thousands": o.change if o else None,
        "employment_change_percent": o.change_percent if o else None,
        "all_occupations_change_percent": o.all_change_percent if o else None,
        "openings_per_year_thousands": o.openings if o else None,
        "typical_entry_education": e.education if e else None,
        "work_experience_in_related_occupation": e.work_experience if e else None,
        "typical_on_the_job_training": e.job_training if e else None,
        "onet_job_zone": zone.zone if zone else None,
    }


def _price_columns(card: RoleCard, section: str) -> dict[str, Value]:
    """The local Low/Medium/High at U.S.-average prices (BEA RPP): the place's row only."""
    p = card.price_parity if section == "local" else None
    local = card.local
    if p is None or local is None:
        return dict.fromkeys(
            ("rpp_all_items", "rpp_year", "rpp_area", "low_at_us_prices", "median_at_us_prices", "high_at_us_prices")
        )
    return {
        "rpp_all_items": p.rpp,
        "rpp_year": p.year,
        "rpp_area": p.bea_name,
        "low_at_us_prices": p.at_us_prices(local.low.value, local.unit),
        "median_at_us_prices": p.at_us_prices(local.medium.value, local.unit),
        "high_at_us_prices": p.at_us_prices(local.high.value, local.unit),
    }


def _next_step_rows(card: RoleCard) -> list[dict[str, Value]]:
    """One row a related role: its median against this role's and the skills overlap (section "next_step")."""
    return [
        {
            "section": "next_step",
            "place": card.place.label if card.place else "",
            "occupation_code": step.figures_code,
            "release": card.release.name if card.release else "",
            "next_step_role": step.role.title,
            "next_step_median_unit": step.unit,
            "next_step_median_usd": step.median,
            "next_step_median_difference_usd": step.difference,
            "next_step_local_median_usd": step.local_median,
            "next_step_local_median_difference_usd": step.local_difference,
            "next_step_skills_already_used": len(step.skills.shared),
            "next_step_skills_compared": step.skills.top,
            "next_step_skills_to_build": ", ".join(step.skills.build),
            "next_step_knowledge_to_build": ", ".join(step.knowledge.build),
            "sources": "O*NET 30.1 Related Occupations, Skills and Knowledge"
            + (f"; {card.release.citation}" if card.release else ""),
        }
        for step in card.next_steps
    ]


def _change_columns(change: Change | None) -> dict[str, Value]:
    """The change of the national median from the previous release (empty for the place's row)."""
    if change is None:
        return dict.fromkeys(
            (
                "change_from_previous_release_percent",
                "change_basis",
                "change_from_release",
                "change_from_median_usd",
                "change_to_median_usd",
            )
        )
    return {
        "change_from_previous_release_percent": change.percent,
        "change_basis": "hourly median" if change.unit == "hour" else "annual median",
        "change_from_release": change.previous.release.name,
        "change_from_median_usd": change.previous_value,
        "change_to_median_usd": change.current_value,
    }


_MARKET_COLUMNS = {
    "market_area": "area_name",
    "market_basis": "basis_label",
    "job_openings": "openings",
    "experienced_job_seekers": "experienced",
    "new_entrants": "new_entrants",
    "candidate_supply": "supply",
    "hiring_difficulty_0_to_100": "difficulty",
    "hiring_difficulty_label": "difficulty_label",
}


def _market_columns(market: MarketEstimate | None) -> dict[str, Value]:
    """Supply, demand and hiring difficulty: column -> the estimate's attribute, empty without an estimate."""
    return {column: getattr(market, name) if market else None for column, name in _MARKET_COLUMNS.items()}


def card_csv(card: RoleCard) -> str:
    """The card's figures as CSV text: the header, then a row for the nation and, with a place, one for it."""
    rows = [
        _row(card, section, summary, market)
        for section, summary, market in (
            ("national", card.national, card.market),
            ("local", card.local, card.local_market),
        )
        if summary is not None
    ]
    if rows:
        rows += _next_step_rows(card)
    rows += _programme_rows(card)
    buffer = io.StringIO()
    if rows:
        fieldnames = list(dict.fromkeys(key for row in rows for key in row))  # the wage columns, then the others'
        writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows({key: "" if value is None else value for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _programme_rows(card: RoleCard) -> list[dict[str, Value]]:
    """Programmes near you: a row per institution and program (section "programme"), nearest first."""
    found = card.programmes
    if found is None:
        return []
    return [
        {
            "section": "programme",
            "place": found.near,
            "institution": school.name,
            "institution_unitid": school.unitid,
            "institution_city": school.city,
            "institution_state": school.state,
            "institution_url": school.url,
            "distance_miles": None if school.distance_miles is None else Decimal(str(school.distance_miles)),
            "cip_code": programme.code,
            "programme": programme.title,
            "award_level": programme.award_level,
            "completions": programme.completions,
            "academic_year": found.academic_year,
            "other_occupations": programme.other_occupations,
            "sources": found.citation,
        }
        for school in found.schools
        for programme in school.programmes
    ]
