"""Lever's Postings API: `GET https://api.lever.co/v0/postings/{site}?mode=json` is a list of postings (id, text,
categories {location, allLocations, commitment, team}, workplaceType onsite|remote|hybrid|unspecified, salaryRange
{min, max, currency, interval per-hour-wage|per-year-salary|per-month-salary|...}, descriptionPlain, lists,
additionalPlain, hostedUrl, applyUrl, createdAt in milliseconds). EU boards are at api.eu.lever.co (use --url)."""

from typing import Any
from urllib.parse import quote

from jobs.boards.rows import BoardRow, Pay, RowError, amount, employment_type, moment, plain_text, required, text
from jobs.models import Posting

NAME = "Lever"
WORKPLACES = {"onsite": Posting.Arrangement.ONSITE, "remote": Posting.Arrangement.REMOTE, "hybrid": "hybrid"}
# Lever's pay intervals, as the unit postings keep and the factor to it (a month's pay is a twelfth of a year's).
INTERVALS = {"per-hour-wage": (Posting.Period.HOUR, 1), "per-year-salary": (Posting.Period.YEAR, 1)}
INTERVALS["per-month-salary"] = (Posting.Period.YEAR, 12)


def address(site: str) -> str:
    return f"https://api.lever.co/v0/postings/{quote(site, safe='')}?mode=json"


def items(payload: Any) -> list[Any]:
    if not isinstance(payload, list):
        raise RowError("a Lever site's answer is a list of postings")
    return payload


def _pay(salary: Any) -> Pay | None:
    if not isinstance(salary, dict) or text(salary.get("currency") or "USD").upper() != "USD":
        return None
    unit = INTERVALS.get(text(salary.get("interval")))
    if unit is None:
        return None
    low, high = (amount(salary.get(key), f"salaryRange.{key}") for key in ("min", "max"))
    return Pay(
        low=None if low is None else low * unit[1], high=None if high is None else high * unit[1], period=unit[0]
    )


def _description(posting: dict[str, Any]) -> str:
    parts = [text(posting.get("descriptionPlain")) or plain_text(text(posting.get("description")))]
    for entry in posting.get("lists") or []:
        if isinstance(entry, dict):
            parts.append(f"{text(entry.get('text'))}\n{plain_text(text(entry.get('content')))}")
    parts.append(text(posting.get("additionalPlain")))
    return "\n\n".join(part for part in parts if part)


def row(posting: Any) -> BoardRow:
    posting = required(posting, "id", "text")
    categories = posting.get("categories") if isinstance(posting.get("categories"), dict) else {}
    return BoardRow(
        external_id=text(posting["id"]),
        title=text(posting["text"]),
        location=text(categories.get("location")) or "; ".join(map(text, categories.get("allLocations") or [])),
        arrangement=WORKPLACES.get(text(posting.get("workplaceType")), ""),
        pay=_pay(posting.get("salaryRange")),
        employment_type=employment_type(categories.get("commitment")),
        description=_description(posting),
        apply_url=text(posting.get("applyUrl")) or text(posting.get("hostedUrl")),
        posted_at=moment(posting.get("createdAt"), "createdAt"),
        updated_at=moment(posting.get("updatedAt") or posting.get("createdAt"), "updatedAt"),
    )
