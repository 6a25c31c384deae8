"""Greenhouse's Job Board API: `GET https://boards-api.greenhouse.io/v1/boards/{token}/jobs?content=true` lists a
board's jobs (`jobs[]`: id, title, location.name, absolute_url, updated_at, first_published, content as escaped HTML,
metadata); with `pay_transparency=true` each carries `pay_input_ranges[]` (min_cents, max_cents, currency_type,
title, blurb). Greenhouse does not give the pay's unit, so it is read from the range's title and blurb ("hourly"),
else from its size (under $1,000 is an hourly figure)."""

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from jobs.boards.rows import BoardRow, Pay, RowError, amount, employment_type, moment, plain_text, required, text
from jobs.models import Posting

NAME = "Greenhouse"


def address(token: str) -> str:
    return f"https://boards-api.greenhouse.io/v1/boards/{quote(token, safe='')}/jobs?content=true&pay_transparency=true"


def items(payload: Any) -> list[Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise RowError("a Greenhouse board's answer is an object with a `jobs` list")
    return payload["jobs"]


def _pay(ranges: Any) -> Pay | None:
    for entry in ranges if isinstance(ranges, list) else []:
        if not isinstance(entry, dict) or text(entry.get("currency_type") or "USD").upper() != "USD":
            continue
        low, high = (amount(entry.get(key), f"pay_input_ranges.{key}") for key in ("min_cents", "max_cents"))
        low, high = (None if v is None else v / 100 for v in (low, high))
        words = f"{text(entry.get('title'))} {text(entry.get('blurb'))}".lower()
        largest = max(v for v in (low, high, Decimal(0)) if v is not None)
        hourly = "hour" in words or (largest and largest < 1000)
        if low is not None or high is not None:
            return Pay(low=low, high=high, period=Posting.Period.HOUR if hourly else Posting.Period.YEAR)
    return None


def _metadata(job: dict[str, Any], name: str) -> Any:
    for entry in job.get("metadata") or []:
        if isinstance(entry, dict) and text(entry.get("name")).lower() == name:
            return entry.get("value")
    return None


def row(job: Any) -> BoardRow:
    job = required(job, "id", "title")
    location = job.get("location")
    return BoardRow(
        external_id=text(job["id"]),
        title=text(job["title"]),
        location=text(location.get("name")) if isinstance(location, dict) else text(location),
        pay=_pay(job.get("pay_input_ranges")),
        employment_type=employment_type(_metadata(job, "employment type")),
        description=plain_text(text(job.get("content"))),
        apply_url=text(job.get("absolute_url")),
        posted_at=moment(job.get("first_published"), "first_published"),
        updated_at=moment(job.get("updated_at"), "updated_at"),
    )
