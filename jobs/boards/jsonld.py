"""schema.org JobPosting published on a careers page (`<script type="application/ld+json">`, as search engines read
it), or on every page a sitemap lists. A posting's id is its `identifier` (a PropertyValue's value, or text), else
its `url`, else the page's address."""

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

from jobs.boards.rows import BoardRow, Pay, RowError, amount, employment_type, moment, plain_text, text
from jobs.models import Posting

NAME = "Careers page (schema.org JobPosting)"
MAX_PAGES = 2_000  # pages a sitemap may send us to in one refresh
UNITS = {"HOUR": (Posting.Period.HOUR, 1), "YEAR": (Posting.Period.YEAR, 1), "MONTH": (Posting.Period.YEAR, 12)}
_LOC = re.compile(rb"<(?:\w+:)?loc>\s*([^<]{1,2000}?)\s*</(?:\w+:)?loc>")


class _Scripts(HTMLParser):
    """The text of each `<script type="application/ld+json">` on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        self._open = tag == "script" and kind == "application/ld+json"
        if self._open:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.scripts[-1] += data


def _postings(value: Any) -> list[dict[str, Any]]:
    """Every JobPosting object in a JSON-LD value (alone, in a list, or in an @graph)."""
    if isinstance(value, list):
        return [found for entry in value for found in _postings(entry)]
    if not isinstance(value, dict):
        return []
    kind = value.get("@type")
    if kind == "JobPosting" or (isinstance(kind, list) and "JobPosting" in kind):
        return [value]
    return _postings(value.get("@graph", []))


def is_sitemap(body: bytes) -> bool:
    head = body[:500].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith(b"<urlset") or head.startswith(b"<sitemapindex")


def sitemap_pages(body: bytes) -> list[str]:
    """The page addresses a sitemap lists (at most MAX_PAGES). Its `<loc>` elements are read by pattern, not by an
    XML parser: a sitemap has no other structure we need, and no entity or DTD of a stranger's is expanded."""
    pages = [html.unescape(found.decode("utf-8", errors="replace")) for found in _LOC.findall(body)]
    return [page for page in pages if page.startswith(("https://", "http://"))][:MAX_PAGES]


def page_items(body: bytes, page_url: str = "") -> list[Any]:
    """The JobPostings on one page (HTML), or in a JSON file of JSON-LD; each knows the page it was on."""
    document = body.decode("utf-8", errors="replace")
    if document.lstrip().startswith(("[", "{")):
        scripts = [document]
    else:
        reader = _Scripts()
        reader.feed(document)
        scripts = reader.scripts
    found: list[Any] = []
    for script in scripts:
        try:
            value = json.loads(script)
        except (json.JSONDecodeError, RecursionError):
            continue  # a page's other broken scripts are not ours to report
        found.extend({"@page": page_url} | posting for posting in _postings(value))
    return found


def items(body: bytes) -> list[Any]:
    return page_items(body)


def _place(item: dict[str, Any]) -> str:
    place = item.get("jobLocation")
    places = place if isinstance(place, list) else [place]
    names = []
    for entry in places:
        address = entry.get("address") if isinstance(entry, dict) else entry
        if isinstance(address, list) and address:
            address = address[0]
        if isinstance(address, str):
            names.append(address.strip())
        elif isinstance(address, dict):
            parts = (text(address.get(key)) for key in ("addressLocality", "addressRegion"))
            names.append(", ".join(part for part in parts if part))
    return "; ".join(name for name in names if name)


def _pay(salary: Any) -> Pay | None:
    if not isinstance(salary, dict) or text(salary.get("currency") or "USD").upper() != "USD":
        return None
    value = salary.get("value")
    if not isinstance(value, dict):
        return None
    unit = UNITS.get(text(value.get("unitText")).upper())
    if unit is None:
        return None
    low = amount(value.get("minValue", value.get("value")), "baseSalary.value.minValue")
    high = amount(value.get("maxValue"), "baseSalary.value.maxValue")
    low, high = (None if value is None else value * unit[1] for value in (low, high))
    return Pay(low=low, high=high, period=unit[0])


def _identifier(item: dict[str, Any]) -> str:
    identifier = item.get("identifier")
    value = text(identifier.get("value") if isinstance(identifier, dict) else identifier)
    return value or text(item.get("url")) or text(item.get("@page"))


def row(item: Any) -> BoardRow:
    if not isinstance(item, dict) or not text(item.get("title")):
        raise RowError("title is missing")
    external = _identifier(item)
    if not external:
        raise RowError("identifier and url are missing")
    kind = item.get("employmentType")
    remote = item.get("jobLocationType") == "TELECOMMUTE"
    return BoardRow(
        external_id=external,
        title=text(item["title"]),
        location=_place(item),
        arrangement=Posting.Arrangement.REMOTE if remote else "",
        pay=_pay(item.get("baseSalary")),
        employment_type=employment_type(kind[0] if isinstance(kind, list) and kind else kind),
        description=plain_text(text(item.get("description"))),
        apply_url=text(item.get("url")) or text(item.get("@page")),
        posted_at=moment(item.get("datePosted"), "datePosted"),
        updated_at=moment(item.get("dateModified") or item.get("datePosted"), "dateModified"),
        closes_at=moment(item.get("validThrough"), "validThrough"),
    )
