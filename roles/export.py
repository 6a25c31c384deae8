"""The role card as a CSV: a row for the nation and one for the place, every figure the page shows, units in the
header. BLS symbols stay in their cells as BLS publishes them ("#", "*"), with the page's sentence for them in
`notes`, so the file reads like the source and like the page."""

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
    row |= {
        "notes": " ".join(
            [*(card.local_notes if section == "local" else []), *summary.notes, *(market.notes if market else [])]
        ),
        "sources": "; ".join(
            [summary.release.citation, *sorted({c.source for c in market.citations} if market else set())]
        ),
    }
    return row


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
    rows += _programme_rows(card)
    buffer = io.StringIO()
    if rows:
        fields = list(dict.fromkeys(name for row in rows for name in row))  # the wage columns, then the programmes'
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
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
