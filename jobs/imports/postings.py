"""Import job postings from feeds: the LinkedIn 2023-24 sample CSV, USAJOBS CSV exports and schema.org
JobPosting JSON. Bad rows are reported with their line and reason; good rows are kept. Re-importing updates
the same postings (employer + external id)."""

import csv
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from accounts.models import Organisation
from accounts.services import organisation_for_feed
from jobs.models import Posting
from jobs.schemas import PostingFields
from jobs.services.postings import FeedEntry, PostingInvalid, posting_upsert
from lib.api import field_message
from sources import versions
from sources.loading import recorded_import
from sources.models import ImportRun
from sources.parsing import DataFileError, open_text
from sources.registry import DataSet, SnapshotFile, register

CREDITS = {
    "linkedin": "LinkedIn Job Postings 2023-24 sample (Kaggle arshkon/linkedin-job-postings), CC BY-SA 4.0",
    "usajobs": "USAJOBS announcements (U.S. Office of Personnel Management), public domain",
    "jsonld": "schema.org JobPosting feed",
}
# The columns read from each CSV layout (the bundled snapshot keeps only these).
LINKEDIN_COLUMNS = [
    "job_id",
    "company_name",
    "title",
    "description",
    "max_salary",
    "med_salary",
    "min_salary",
    "pay_period",
    "location",
    "formatted_work_type",
    "original_listed_time",
    "listed_time",
    "remote_allowed",
    "job_posting_url",
    "application_url",
    "expiry",
]
USAJOBS_COLUMNS = [
    "control_number",
    "position_title",
    "hiring_agency_name",
    "hiring_department_name",
    "locations",
    "salary_type",
    "minimum_salary",
    "maximum_salary",
    "telework_eligible",
    "work_schedule",
    "pay_scale",
    "minimum_grade",
    "maximum_grade",
    "appointment_type",
    "position_open_date",
    "position_close_date",
]
EMPLOYMENT_TYPES = {
    "full-time": Posting.EmploymentType.FULL_TIME,
    "full_time": Posting.EmploymentType.FULL_TIME,
    "part-time": Posting.EmploymentType.PART_TIME,
    "part_time": Posting.EmploymentType.PART_TIME,
    "contract": Posting.EmploymentType.CONTRACT,
    "contractor": Posting.EmploymentType.CONTRACT,
    "temporary": Posting.EmploymentType.TEMPORARY,
    "internship": Posting.EmploymentType.INTERNSHIP,
    "intern": Posting.EmploymentType.INTERNSHIP,
    "volunteer": Posting.EmploymentType.VOLUNTEER,
}


MAX_ROWS = 2_000  # postings a feed import takes at once (about 3 ms each)
MAX_EXTERNAL_ID = 100
MAX_EMPLOYER = 200


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass(frozen=True)
class FeedRow:
    """One posting as a feed gives it: for whom, what it says, and the feed's own id and dates."""

    where: str  # "row 3 (line 5)" or "item 2", for messages
    employer: str
    fields: PostingFields
    entry: FeedEntry


@dataclass
class FeedReport:
    rows: list[FeedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    source: str = ""


def _money(raw: str, what: str) -> Decimal | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{what} {raw!r} is not a number") from None
    if not value.is_finite() or value < 0 or value > 10_000_000:
        raise RowError(f"{what} {raw!r} is out of range")
    return value


def _epoch_ms(raw: str, what: str) -> datetime | None:
    if not raw.strip():
        return None
    try:
        return datetime.fromtimestamp(float(raw) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise RowError(f"{what} {raw!r} is not a time in epoch milliseconds") from None


def _date(raw: str, what: str, *, end_of_day: bool = False) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = datetime.fromisoformat(raw[:10]).date()
    except ValueError:
        raise RowError(f"{what} {raw!r} is not a date (YYYY-MM-DD)") from None
    return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)


def _fields(**values: Any) -> PostingFields:
    """The posting fields a row gives, or a RowError naming the first field out of bounds."""
    try:
        return PostingFields(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise RowError(f"{'.'.join(map(str, error['loc']))}: {field_message(error['msg'])}") from None


def _linkedin(row: dict[str, str], where: str, source: str) -> FeedRow:
    if not row["title"].strip() or not row["job_id"].strip():
        raise RowError("title and job_id are required")
    _identity(f"linkedin-{row['job_id'].strip()}", row["company_name"].strip())
    period = {"HOURLY": Posting.Period.HOUR, "YEARLY": Posting.Period.YEAR, "MONTHLY": "month"}.get(
        row["pay_period"].strip(), ""
    )
    low, high = _money(row["min_salary"], "min_salary"), _money(row["max_salary"], "max_salary")
    if high is None and row["med_salary"].strip():
        low = high = _money(row["med_salary"], "med_salary")
    if period == "month":  # monthly pay is shown as a year's pay (x 12)
        low, high, period = (low * 12 if low else None), (high * 12 if high else None), Posting.Period.YEAR
    location = row["location"].strip()
    remote = row["remote_allowed"].strip() in ("1", "1.0")
    return FeedRow(
        where=where,
        employer=row["company_name"].strip() or "Employer not named",
        fields=_fields(
            title=row["title"].strip()[:300],
            location="" if location == "United States" else location[:200],
            arrangement=Posting.Arrangement.REMOTE if remote else Posting.Arrangement.ONSITE,
            salary_min=low,
            salary_max=high,
            salary_period=period if (low or high) else "",
            employment_type=EMPLOYMENT_TYPES.get(
                row["formatted_work_type"].strip().lower(), Posting.EmploymentType.OTHER
            ),
            description=row["description"].strip(),
            apply_url=(row["application_url"] or row["job_posting_url"]).strip()[:500],
        ),
        entry=FeedEntry(
            external_id=f"linkedin-{row['job_id'].strip()}",
            source=source,
            posted_at=_epoch_ms(row["listed_time"] or row["original_listed_time"], "listed_time"),
            expires_at=_epoch_ms(row["expiry"], "expiry"),
        ),
    )


def _usajobs(row: dict[str, str], where: str, source: str) -> FeedRow:
    if not row["position_title"].strip() or not row["control_number"].strip():
        raise RowError("position_title and control_number are required")
    _identity(f"usajobs-{row['control_number'].strip()}", row["hiring_agency_name"].strip())
    first = row["locations"].split("|")[0].strip()
    parts = [part.strip() for part in first.split(",")]
    location = ", ".join(parts[:2]) if len(parts) >= 2 else ""
    period = Posting.Period.HOUR if "hour" in row["salary_type"].lower() else Posting.Period.YEAR
    return FeedRow(
        where=where,
        employer=row["hiring_agency_name"].strip() or "U.S. federal government",
        fields=_fields(
            title=row["position_title"].strip()[:300],
            location=location[:200],
            arrangement=Posting.Arrangement.HYBRID
            if row["telework_eligible"].strip() == "Y"
            else Posting.Arrangement.ONSITE,
            salary_min=_money(row["minimum_salary"], "minimum_salary"),
            salary_max=_money(row["maximum_salary"], "maximum_salary"),
            salary_period=period,
            employment_type=EMPLOYMENT_TYPES.get(row["work_schedule"].strip().lower(), Posting.EmploymentType.OTHER),
            description=f"{row['hiring_department_name'].strip()}. Pay scale {row['pay_scale']} grade "
            f"{row['minimum_grade']}-{row['maximum_grade']}; {row['appointment_type']}.",
            apply_url=f"https://www.usajobs.gov/job/{row['control_number'].strip()}",
        ),
        entry=FeedEntry(
            external_id=f"usajobs-{row['control_number'].strip()}",
            source=source,
            posted_at=_date(row["position_open_date"], "position_open_date"),
            expires_at=_date(row["position_close_date"], "position_close_date", end_of_day=True),
        ),
    )


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _location(place: Any) -> str:
    """ "City, Region" from a schema.org jobLocation: a Place (or a list of them) whose address is a PostalAddress,
    or plain text."""
    place = _first(place)
    address = _first(place.get("address")) if isinstance(place, dict) else place
    if isinstance(address, str):
        return address.strip()
    if not isinstance(address, dict):
        return ""
    return ", ".join(
        str(address[key]).strip()
        for key in ("addressLocality", "addressRegion")
        if isinstance(address.get(key), (str, int)) and str(address[key]).strip()
    )


def _jsonld(item: Any, where: str, source: str) -> FeedRow:
    if not isinstance(item, dict) or item.get("@type") != "JobPosting":
        raise RowError("not a schema.org JobPosting object")
    title = str(item.get("title", "")).strip()
    identifier = item.get("identifier")
    external = str(identifier.get("value", "") if isinstance(identifier, dict) else identifier or "").strip()
    organisation = item.get("hiringOrganization") or {}
    employer = str(organisation.get("name", "") if isinstance(organisation, dict) else organisation).strip()
    # Each missing field by name; an organisation's own feed (its key fixes the employer) may leave out the name.
    missing = [name for name, value in (("title", title), ("identifier", external)) if not value]
    if missing:
        raise RowError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")
    _identity(external, employer)
    location = _location(item.get("jobLocation"))
    salary = item.get("baseSalary") or {}
    value = salary.get("value", {}) if isinstance(salary, dict) else {}
    unit = str(value.get("unitText", "")).upper() if isinstance(value, dict) else ""
    kind = str(item.get("employmentType", "")).replace("_", "-").lower()
    return FeedRow(
        where=where,
        employer=employer,
        fields=_fields(
            title=title[:300],
            location=location[:200],
            arrangement=Posting.Arrangement.REMOTE if item.get("jobLocationType") == "TELECOMMUTE" else "onsite",
            salary_min=_money(str(value.get("minValue", "")), "baseSalary.minValue")
            if isinstance(value, dict)
            else None,
            salary_max=_money(str(value.get("maxValue", "")), "baseSalary.maxValue")
            if isinstance(value, dict)
            else None,
            salary_period={"HOUR": "hour", "YEAR": "year"}.get(unit, ""),
            employment_type=EMPLOYMENT_TYPES.get(kind, Posting.EmploymentType.OTHER),
            description=str(item.get("description", "")),
            apply_url=str(item.get("url", ""))[:500],
        ),
        entry=FeedEntry(
            external_id=external,
            source=source,
            posted_at=_date(str(item.get("datePosted", "")), "datePosted"),
            expires_at=_date(str(item.get("validThrough", "")), "validThrough", end_of_day=True),
        ),
    )


def _identity(external_id: str, employer: str) -> None:
    """A row's id in the feed and its employer's name must fit where they are kept."""
    if len(external_id) > MAX_EXTERNAL_ID:
        raise RowError(f"the identifier is longer than {MAX_EXTERNAL_ID} characters")
    if len(employer) > MAX_EMPLOYER:
        raise RowError(f"the employer's name is longer than {MAX_EMPLOYER} characters")
    if "\x00" in external_id or "\x00" in employer:
        raise RowError("the identifier or the employer's name contains a NUL character")


def parse(path: Path) -> FeedReport:
    """Read a feed; pure. Each bad row becomes an error line, the others rows; a feed that cannot be read as a
    whole (not UTF-8, not JSON, not an array of objects, too many rows, an unknown layout) is a DataFileError."""
    try:
        report = _parse(path)
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, f"not UTF-8 text (byte {exc.start} cannot be read)") from None
    except csv.Error as exc:
        raise DataFileError(path, None, f"not a readable CSV file ({exc})") from None
    if len(report.rows) + len(report.errors) > MAX_ROWS:
        raise FeedTooLarge(path, None, f"more than {MAX_ROWS:,} postings; split the feed")
    return report


class FeedTooLarge(DataFileError):
    """A feed with more rows than one import takes."""


def _parse(path: Path) -> FeedReport:
    report = FeedReport()
    if path.suffix.lower() == ".json":
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise  # parse() names the byte
        except (OSError, ValueError) as exc:  # ValueError: bad JSON, or an integer past Python's 4,300 digits
            raise DataFileError(path, None, f"not a JSON feed ({exc})") from None
        except RecursionError:
            raise DataFileError(path, None, "not a JSON feed: it is nested too deeply") from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise DataFileError(path, None, "a JSON feed is an array of schema.org JobPosting objects")
        report.source = CREDITS["jsonld"]
        for index, item in enumerate(items, start=1):
            try:
                report.rows.append(_jsonld(item, f"item {index}", report.source))
            except RowError as exc:
                report.errors.append(f"item {index}: {exc}")
        return report
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if "job_id" in header and "company_name" in header:
            parse_row, report.source = _linkedin, CREDITS["linkedin"]
        elif "control_number" in header and "position_title" in header:
            parse_row, report.source = _usajobs, CREDITS["usajobs"]
        else:
            raise DataFileError(path, 1, "not a known postings layout (LinkedIn sample or USAJOBS export)")
        # Descriptions span lines, so a row is named by its number and the line it starts on.
        ended = reader.line_num
        for number, row in enumerate(reader, start=1):
            where = f"row {number} (line {ended + 1})"
            ended = reader.line_num
            try:
                report.rows.append(parse_row(row, where, report.source))
            except RowError as exc:
                report.errors.append(f"{where}: {exc}")
            except (KeyError, AttributeError):
                report.errors.append(f"{where}: missing fields")
    return report


def load(path: Path, *, employer: Organisation | None = None) -> tuple[ImportRun, list[str]]:
    """Create or update the feed's postings (one transaction) through the one posting write path; returns the run
    and the rejected rows. With `employer` (an organisation's own feed, through the API), every posting is that
    organisation's; otherwise each is its named employer's."""
    report = parse(path)
    organisations: dict[str, Organisation] = {}
    errors = list(report.errors)
    # An organisation's own feed (through the API) runs beside data imports; a sample feed is part of the data.
    recorded = recorded_import(source="postings", path=path, release=report.source, exclusive=employer is None)
    with recorded as run, versions.batch():
        for row in report.rows:
            if employer is None and not row.employer:
                errors.append(f"{row.where}: hiringOrganization.name is required (the feed names no organisation)")
                continue
            if employer is None and row.employer not in organisations:
                organisations[row.employer] = organisation_for_feed(row.employer)
            try:
                posting_upsert(organisation=employer or organisations[row.employer], fields=row.fields, feed=row.entry)
            except PostingInvalid as invalid:
                errors.append(f"{row.where}: {invalid}")
                continue
            run.rows_written += 1
        run.rows_read = len(report.rows) + len(report.errors)
        run.rows_rejected = len(errors)
        run.error = "\n".join(errors)[:10_000]
    return run, errors


# The content types a feed may be sent as (through the API or the site), and the file suffix the parser reads each as.
CONTENT_TYPES = {"application/json": ".json", "text/csv": ".csv"}
MAX_FEED_BYTES = 5_000_000  # a feed sent at once (the API's body, the site's upload)


def feed_problem(body: bytes, content_type: str) -> tuple[int, str] | None:
    """Why a feed cannot be read as a whole (not UTF-8, not JSON, not an array of objects, an unknown layout: 400;
    more postings than an import takes: 413), as (status, message); None when a worker may import it (bad rows are
    the worker's to report)."""
    with feed_file(body, content_type) as path:
        try:
            parse(path)
        except FeedTooLarge as exc:
            return 413, str(exc).replace(str(path), "the feed")
        except DataFileError as exc:
            return 400, str(exc).replace(str(path), "the feed")
    return None


@contextmanager
def feed_file(body: bytes, content_type: str) -> Iterator[Path]:
    """A feed sent as a request body (one of CONTENT_TYPES), as the temporary file `parse` and `load` read."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"feed{CONTENT_TYPES[content_type]}"
        path.write_bytes(body)
        yield path


def load_folder(data_dir: Path) -> list[ImportRun]:
    """The sample feeds of a data folder, when it has them (after the roles, which postings are matched to)."""
    folder = data_dir / "postings"
    feeds = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.csv.gz"))
    return [load(feed)[0] for feed in feeds]


register(
    DataSet(
        name="postings",
        title="Sample job postings",
        order=70,
        load=load_folder,
        files=(
            SnapshotFile(
                "postings/linkedin_2023_24_postings_sample500.csv",
                LINKEDIN_COLUMNS,
                "LinkedIn Job Postings 2023-24, 500-row sample (Kaggle arshkon/linkedin-job-postings)",
                "CC BY-SA 4.0",
                "2024-04 sample",
            ),
            SnapshotFile(
                "postings/usajobs_product_manager_jobs.csv",
                USAJOBS_COLUMNS,
                "USAJOBS announcements matching 'product manager' (OPM historical jobs)",
                "Public domain (OPM)",
                "2017-2025 announcements",
            ),
        ),
    )
)
