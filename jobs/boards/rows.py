"""What a connector makes of one posting on a board (`BoardRow`), and the helpers every connector shares: text from
a board's HTML, dates, pay as published."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3

from jobs.models import Posting

MAX_DESCRIPTION = 20_000  # what a posting's description holds (jobs.schemas.PostingFields)
_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/li|/h[1-6]|/div|/tr)\s*>")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


class RowError(Exception):
    """A posting on a board that cannot be kept; the message says why."""


@dataclass(frozen=True, kw_only=True)
class Pay:
    """Pay as the board publishes it: per hour or per year."""

    low: Decimal | None
    high: Decimal | None
    period: str  # Posting.Period


@dataclass(frozen=True, kw_only=True)
class BoardRow:
    """One posting as its board publishes it."""

    external_id: str  # the board's own id
    title: str
    location: str  # as written on the board, e.g. "Remote - US" or "Denver, CO; Austin, TX"
    arrangement: str = ""  # Posting.Arrangement when the board says it; "" to read it from the location
    pay: Pay | None = None
    employment_type: str = Posting.EmploymentType.FULL_TIME
    description: str = ""  # plain text
    apply_url: str = ""
    posted_at: datetime | None = None
    updated_at: datetime | None = None  # when the board says the posting last changed
    closes_at: datetime | None = None  # when the board says applications close, if it does


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def required(item: Any, *keys: str) -> dict[str, Any]:
    """`item` as an object having each of `keys` (else a RowError naming the missing ones)."""
    if not isinstance(item, dict):
        raise RowError("not an object")
    missing = [key for key in keys if not text(item.get(key))]
    if missing:
        raise RowError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    return item


def plain_text(markup: str) -> str:
    """The text of a board's HTML description (entities decoded, tags dropped, paragraphs kept as blank lines)."""
    if "&lt;" in markup and "<" not in markup:
        markup = html.unescape(markup)  # Greenhouse escapes its HTML once more
    markup = _BLOCK_END.sub("\n\n", markup)
    cleaned = html.unescape(nh3.clean(markup, tags=set(), clean_content_tags={"script", "style"}))
    return _BLANK_LINES.sub("\n\n", cleaned.replace("\r", "")).strip()[:MAX_DESCRIPTION]


def moment(value: Any, what: str) -> datetime | None:
    """A board's timestamp (ISO 8601 text, or milliseconds since 1970 as Lever writes them), timezone-aware."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        parsed = datetime.fromisoformat(text(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise RowError(f"{what} is not a date ({text(value)[:40]!r})") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def amount(value: Any, what: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(text(value).replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise RowError(f"{what} is not a number ({text(value)[:40]!r})") from None
    if not number.is_finite() or number < 0:
        raise RowError(f"{what} is not an amount of pay ({text(value)[:40]!r})")
    return number


def pay(low: Decimal | None, high: Decimal | None, period: str | None) -> Pay | None:
    """Pay in one of the two units postings keep; None when the board gives none (or only another unit)."""
    if (low is None and high is None) or period is None:
        return None
    return Pay(low=low, high=high, period=period)


EMPLOYMENT_TYPES = {
    "fulltime": Posting.EmploymentType.FULL_TIME,
    "parttime": Posting.EmploymentType.PART_TIME,
    "contract": Posting.EmploymentType.CONTRACT,
    "contractor": Posting.EmploymentType.CONTRACT,
    "temporary": Posting.EmploymentType.TEMPORARY,
    "temp": Posting.EmploymentType.TEMPORARY,
    "seasonal": Posting.EmploymentType.TEMPORARY,
    "intern": Posting.EmploymentType.INTERNSHIP,
    "internship": Posting.EmploymentType.INTERNSHIP,
    "volunteer": Posting.EmploymentType.VOLUNTEER,
}


def employment_type(value: Any) -> str:
    """ "Full-time", "FULL_TIME", "FullTime", "Part-time Employee" and the like as a posting's employment type."""
    key = re.sub(r"[^a-z]", "", text(value).lower()).removesuffix("employee").removesuffix("position")
    return EMPLOYMENT_TYPES.get(key, Posting.EmploymentType.FULL_TIME if not key else Posting.EmploymentType.OTHER)
