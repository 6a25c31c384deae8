"""SmartRecruiters' Posting API: `GET https://api.smartrecruiters.com/v1/companies/{company}/postings?limit=100&
offset=0` answers a page `{offset, limit, totalFound, content: [...]}`; a posting has id, name, releasedDate,
location {city, region, country, remote, hybrid, fullLocation}, typeOfEmployment {label} and company {identifier}.
The list carries no pay or description; the apply page is jobs.smartrecruiters.com/{company}/{id}."""

from typing import Any
from urllib.parse import quote

from jobs.boards.rows import BoardRow, RowError, employment_type, moment, required, text
from jobs.models import Posting

NAME = "SmartRecruiters"
PAGE = 100


def address(company: str) -> str:
    return f"https://api.smartrecruiters.com/v1/companies/{quote(company, safe='')}/postings?limit={PAGE}&offset=0"


def items(payload: Any) -> list[Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("content"), list):
        raise RowError("a SmartRecruiters answer is an object with a `content` list")
    return payload["content"]


def next_page(payload: Any, url: str) -> str | None:
    offset, limit, total = (payload.get(key) for key in ("offset", "limit", "totalFound"))
    if not all(isinstance(value, int) for value in (offset, limit, total)) or not limit or offset + limit >= total:
        return None
    return url.split("?")[0] + f"?limit={limit}&offset={offset + limit}"


def _location(place: Any) -> tuple[str, str]:
    if not isinstance(place, dict):
        return "", ""
    arrangement = "remote" if place.get("remote") is True else ("hybrid" if place.get("hybrid") is True else "")
    if text(place.get("country")).lower() in ("us", "usa", "") and text(place.get("city")):
        return ", ".join(filter(None, (text(place.get("city")), text(place.get("region"))))), arrangement
    return text(place.get("fullLocation")) or text(place.get("city")), arrangement


def row(posting: Any) -> BoardRow:
    posting = required(posting, "id", "name")
    location, arrangement = _location(posting.get("location"))
    company = posting.get("company") if isinstance(posting.get("company"), dict) else {}
    kind = posting.get("typeOfEmployment") if isinstance(posting.get("typeOfEmployment"), dict) else {}
    identifier = text(company.get("identifier"))
    if not identifier:
        raise RowError("company.identifier is missing")
    return BoardRow(
        external_id=text(posting["id"]),
        title=text(posting["name"]),
        location=location,
        arrangement=arrangement or Posting.Arrangement.ONSITE if location else arrangement,
        employment_type=employment_type(kind.get("label")),
        apply_url=f"https://jobs.smartrecruiters.com/{quote(identifier)}/{quote(text(posting['id']))}",
        posted_at=moment(posting.get("releasedDate"), "releasedDate"),
        updated_at=moment(posting.get("releasedDate"), "releasedDate"),
    )
