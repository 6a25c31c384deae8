"""The role card as a CSV: a row for the nation and one for the place, every figure the page shows, units in the
header. BLS symbols stay in their cells as BLS publishes them ("#", "*"), with the page's sentence for them in
`notes`, so the file reads like the source and like the page."""

import csv
import io
from decimal import Decimal

from market.difficulty import MarketEstimate
from roles.card import RoleCard
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
        "change_from_previous_release_percent": change.percent if change else None,
        "change_basis": ("hourly median" if change.unit == "hour" else "annual median") if change else None,
        "change_from_release": change.previous.release.name if change else None,
        "change_from_median_usd": change.previous_value if change else None,
        "change_to_median_usd": change.current_value if change else None,
        "market_area": market.area_name if market else None,
        "market_basis": market.basis_label if market else None,
        "job_openings": market.openings if market else None,
        "experienced_job_seekers": market.experienced if market else None,
        "new_entrants": market.new_entrants if market else None,
        "candidate_supply": market.supply if market else None,
        "hiring_difficulty_0_to_100": market.difficulty if market else None,
        "hiring_difficulty_label": market.difficulty_label if market else None,
        "notes": " ".join(
            [*(card.local_notes if section == "local" else []), *summary.notes, *(market.notes if market else [])]
        ),
        "sources": "; ".join(
            [summary.release.citation, *sorted({c.source for c in market.citations} if market else set())]
        ),
    }
    return row


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
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: "" if value is None else value for key, value in row.items()} for row in rows)
    return buffer.getvalue()
