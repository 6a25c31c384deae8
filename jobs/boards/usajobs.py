"""The USAJOBS Search API: `GET https://data.usajobs.gov/api/search?{query}` with the headers Host,
User-Agent (the email address registered with the key) and Authorization-Key (settings USAJOBS_USER_AGENT and
USAJOBS_API_KEY). The board is the search, e.g. `Organization=VATA` or `Keyword=nurse&LocationName=Denver, CO`.
It answers `SearchResult.SearchResultItems[]`, each `MatchedObjectId` and a `MatchedObjectDescriptor` (PositionTitle,
PositionURI, ApplyURI[], PositionLocation[{LocationName, CityName, CountrySubDivisionCode}], PositionSchedule[{Name}],
PositionRemuneration[{MinimumRange, MaximumRange, RateIntervalCode}], PublicationStartDate, ApplicationCloseDate,
QualificationSummary, UserArea.Details {JobSummary, TeleworkEligible, RemoteIndicator}), and
`SearchResult.UserArea.NumberOfPages`."""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings

from jobs.boards.rows import BoardRow, Pay, RowError, amount, employment_type, moment, required, text
from jobs.models import Posting

NAME = "USAJOBS"
HOST = "data.usajobs.gov"
PAGE = 500  # the most the Search API returns a page
RATES = {"PA": Posting.Period.YEAR, "PER YEAR": Posting.Period.YEAR, "PH": Posting.Period.HOUR}
RATES["PER HOUR"] = Posting.Period.HOUR


def address(query: str) -> str:
    pairs = [(key, value) for key, value in parse_qsl(query.lstrip("?")) if key not in ("ResultsPerPage", "Page")]
    return f"https://{HOST}/api/search?" + urlencode([*pairs, ("ResultsPerPage", PAGE), ("Page", 1)])


def headers() -> dict[str, str]:
    if not settings.USAJOBS_API_KEY or not settings.USAJOBS_USER_AGENT:
        raise RowError("set USAJOBS_API_KEY and USAJOBS_USER_AGENT (the email address registered with the key)")
    return {"Host": HOST, "User-Agent": settings.USAJOBS_USER_AGENT, "Authorization-Key": settings.USAJOBS_API_KEY}


def _result(payload: Any) -> dict[str, Any]:
    result = payload.get("SearchResult") if isinstance(payload, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("SearchResultItems"), list):
        raise RowError("a USAJOBS answer is an object with SearchResult.SearchResultItems")
    return result


def items(payload: Any) -> list[Any]:
    return _result(payload)["SearchResultItems"]


def next_page(payload: Any, url: str) -> str | None:
    pages = (_result(payload).get("UserArea") or {}).get("NumberOfPages")
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    page = int(query.get("Page", "1") or 1)
    if not text(pages).isdigit() or page >= int(text(pages)):
        return None
    query["Page"] = str(page + 1)
    return parts._replace(query=urlencode(query)).geturl()


def _pay(remuneration: Any) -> Pay | None:
    first = remuneration[0] if isinstance(remuneration, list) and remuneration else None
    if not isinstance(first, dict):
        return None
    period = RATES.get(text(first.get("RateIntervalCode")).upper())
    low, high = amount(first.get("MinimumRange"), "MinimumRange"), amount(first.get("MaximumRange"), "MaximumRange")
    if period is None or not (low or high):
        return None  # "Without Compensation", a daily or a bi-weekly rate
    return Pay(low=low or None, high=high or None, period=period)


def _first(values: Any) -> dict[str, Any]:
    return values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}


def row(item: Any) -> BoardRow:
    item = required(item, "MatchedObjectId", "MatchedObjectDescriptor")
    job = required(item["MatchedObjectDescriptor"], "PositionTitle")
    details = ((job.get("UserArea") or {}).get("Details") or {}) if isinstance(job.get("UserArea"), dict) else {}
    remote, telework = details.get("RemoteIndicator"), details.get("TeleworkEligible")
    arrangement = "remote" if remote in (True, "true", "True") else ("hybrid" if telework in (True, "true") else "")
    apply = job.get("ApplyURI")
    return BoardRow(
        external_id=text(item["MatchedObjectId"]),
        title=text(job["PositionTitle"]),
        location=text(_first(job.get("PositionLocation")).get("LocationName"))
        or text(job.get("PositionLocationDisplay")),
        arrangement=arrangement,
        pay=_pay(job.get("PositionRemuneration")),
        employment_type=employment_type(_first(job.get("PositionSchedule")).get("Name")),
        description=text(details.get("JobSummary")) or text(job.get("QualificationSummary")),
        apply_url=text(apply[0] if isinstance(apply, list) and apply else job.get("PositionURI")),
        posted_at=moment(job.get("PublicationStartDate"), "PublicationStartDate"),
        updated_at=moment(job.get("PublicationStartDate"), "PublicationStartDate"),
        closes_at=moment(job.get("ApplicationCloseDate"), "ApplicationCloseDate"),
    )
