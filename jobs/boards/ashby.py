"""Ashby's Posting API: `GET https://api.ashbyhq.com/posting-api/job-board/{name}?includeCompensation=true` answers
`{"jobs": [...]}`, each with id, title, location, secondaryLocations[{location}], isRemote, workplaceType
(OnSite|Remote|Hybrid), employmentType (FullTime|PartTime|Intern|Contract|Temporary), descriptionHtml,
descriptionPlain, publishedAt, jobUrl, applyUrl, isListed and compensation {compensationTiers[{components[...]}],
summaryComponents[...]}: a component has compensationType (Salary, Bonus, EquityPercentage...), interval
("1 YEAR", "1 HOUR"), currencyCode, minValue and maxValue."""

from typing import Any
from urllib.parse import quote

from jobs.boards.rows import BoardRow, Pay, RowError, amount, employment_type, moment, plain_text, required, text
from jobs.models import Posting

NAME = "Ashby"
WORKPLACES = {"OnSite": Posting.Arrangement.ONSITE, "Remote": Posting.Arrangement.REMOTE, "Hybrid": "hybrid"}
INTERVALS = {"1 HOUR": Posting.Period.HOUR, "1 YEAR": Posting.Period.YEAR}


def address(name: str) -> str:
    return f"https://api.ashbyhq.com/posting-api/job-board/{quote(name, safe='')}?includeCompensation=true"


def items(payload: Any) -> list[Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise RowError("an Ashby job board's answer is an object with a `jobs` list")
    return [job for job in payload["jobs"] if not (isinstance(job, dict) and job.get("isListed") is False)]


def _components(compensation: Any) -> list[Any]:
    if not isinstance(compensation, dict):
        return []
    found = list(compensation.get("summaryComponents") or [])
    for tier in compensation.get("compensationTiers") or []:
        found.extend(tier.get("components") or [] if isinstance(tier, dict) else [])
    return found


def _pay(compensation: Any) -> Pay | None:
    for part in _components(compensation):
        if not isinstance(part, dict) or text(part.get("compensationType")) != "Salary":
            continue
        period = INTERVALS.get(text(part.get("interval")).upper())
        if period and text(part.get("currencyCode") or "USD").upper() == "USD":
            low, high = (amount(part.get(key), f"compensation.{key}") for key in ("minValue", "maxValue"))
            return Pay(low=low, high=high, period=period)
    return None


def _arrangement(job: dict[str, Any]) -> str:
    return WORKPLACES.get(text(job.get("workplaceType")), "") or ("remote" if job.get("isRemote") is True else "")


def row(job: Any) -> BoardRow:
    job = required(job, "id", "title")
    places = [text(job.get("location"))] + [
        text(extra.get("location")) for extra in job.get("secondaryLocations") or [] if isinstance(extra, dict)
    ]
    return BoardRow(
        external_id=text(job["id"]),
        title=text(job["title"]),
        location="; ".join(place for place in places if place),
        arrangement=_arrangement(job),
        pay=_pay(job.get("compensation")),
        employment_type=employment_type(job.get("employmentType")),
        description=text(job.get("descriptionPlain")) or plain_text(text(job.get("descriptionHtml"))),
        apply_url=text(job.get("applyUrl")) or text(job.get("jobUrl")),
        posted_at=moment(job.get("publishedAt"), "publishedAt"),
        updated_at=moment(job.get("updatedAt") or job.get("publishedAt"), "updatedAt"),
    )
