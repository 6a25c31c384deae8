"""/api/v1/jobs: search postings (anyone), and write them (an API key scoped to an employer organisation)."""

import tempfile
from datetime import datetime
from pathlib import Path as FilePath
from typing import Any, Literal

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from accounts.models import ApiKey
from geo.api import place_or_problem
from jobs.forms import PostingForm
from jobs.imports import postings as feeds
from jobs.models import Employer, Posting
from jobs.pay import pay_comparisons
from jobs.search import JobSearch, search_postings
from jobs.services import is_editor, posting_close, posting_publish, posting_renew, posting_write
from lib.api import (
    ERRORS,
    MAX_PAGE_SIZE,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    SLUG_PATTERN,
    Page,
    Problem,
    paginate,
)
from lib.problems import ApiProblem
from roles.api import category_or_problem, role_or_problem
from sources.parsing import DataFileError

router = Router(tags=["jobs"])
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: Problem, 403: Problem, 404: Problem}
MAX_FEED_BYTES = 5_000_000


class PayComparisonOut(Schema):
    verdict: Literal["below", "within", "above"] = Field(
        description="Against the local OEWS band for the role: below the 25th percentile, within, above the 75th."
    )
    sentence: str
    area: str
    release: str


class JobOut(Schema):
    id: int
    url: str = Field(description="The posting's page.")
    title: str
    status: Literal["draft", "published", "closed", "expired"]
    employer: str
    employer_slug: str
    role: str | None = Field(description="Slug of the role the posting is filed under.")
    role_title: str | None
    location: str = Field(description="The place as resolved, empty for remote postings without one.")
    area_code: str | None = Field(description="BLS area code the place resolved to.")
    arrangement: Literal["onsite", "hybrid", "remote"]
    employment_type: str
    salary_min: float | None
    salary_max: float | None
    salary_period: Literal["hour", "year", ""] = Field(description="USD per hour or per year.")
    annual_min: int | None = Field(description="Pay a year (hourly x 2,080).")
    annual_max: int | None
    pay_comparison: PayComparisonOut | None
    description: str = Field(description="Markdown for postings written here; plain text from imported feeds.")
    apply_url: str
    apply_email: str
    posted_at: datetime | None
    expires_at: datetime | None
    external_id: str
    source: str = Field(description="The feed the posting came from, with its credit line; empty if written here.")


def job_out(posting: Posting, comparison: Any = None) -> JobOut:
    return JobOut(
        id=posting.pk,
        url=posting.get_absolute_url(),
        title=posting.title,
        status=posting.status,  # type: ignore[arg-type]
        employer=posting.employer.name,
        employer_slug=posting.employer.slug,
        role=posting.role.slug if posting.role else None,
        role_title=posting.role.title if posting.role else None,
        location=posting.location_label or posting.location_text,
        area_code=posting.area_id,
        arrangement=posting.arrangement,  # type: ignore[arg-type]
        employment_type=posting.employment_type,
        salary_min=float(posting.salary_min) if posting.salary_min is not None else None,
        salary_max=float(posting.salary_max) if posting.salary_max is not None else None,
        salary_period=posting.salary_period,  # type: ignore[arg-type]
        annual_min=posting.annual_min,
        annual_max=posting.annual_max,
        pay_comparison=None
        if comparison is None
        else PayComparisonOut(
            verdict=comparison.verdict,
            sentence=comparison.sentence,
            area=comparison.area_name,
            release=comparison.release,
        ),
        description=posting.description,
        apply_url=posting.apply_url,
        apply_email=posting.apply_email,
        posted_at=posting.posted_at,
        expires_at=posting.expires_at,
        external_id=posting.external_id,
        source=posting.source,
    )


class JobListQuery(Schema):
    q: str | None = Field(None, description="Words in the title, employer, role or description.", max_length=100)
    role: str | None = Field(None, description="Role slug.", max_length=120, pattern=SLUG_PATTERN)
    category: str | None = Field(None, description="Category slug.", max_length=50, pattern=SLUG_PATTERN)
    location: str | None = Field(
        None, description="A place; postings in its area.", max_length=PLACE_MAX_LENGTH, pattern=PLACE_PATTERN
    )
    remote: bool = Field(False, description="Remote postings only.")
    min_salary: int | None = Field(None, ge=0, le=10_000_000, description="Minimum pay a year, USD.")
    days: int | None = Field(None, ge=1, le=3650, description="Posted within this many days.")
    sort: Literal["newest", "salary"] = "newest"
    include_expired: bool = Field(False, description="Also postings past their date.")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


@router.get("", response={200: Page[JobOut], **PLACE_ANSWERS, **ERRORS}, summary="Search job postings")
def jobs(request: HttpRequest, query: Query[JobListQuery]) -> dict[str, object]:
    """Open postings (and, with `include_expired`, past ones), newest first or by pay, each with how its pay
    compares with the local OEWS band for its role."""
    found, _ = search_postings(
        JobSearch(
            text=query.q or "",
            role=role_or_problem(query.role) if query.role else None,
            category=category_or_problem(query.category) if query.category else None,
            place=place_or_problem(query.location) if query.location is not None else None,
            remote=query.remote,
            min_salary=query.min_salary,
            days=query.days,
            sort=query.sort,
            include_expired=query.include_expired,
        )
    )
    start = (query.page - 1) * query.page_size
    count = found.count()
    items = list(found[start : start + query.page_size])
    comparisons = pay_comparisons(items)
    results = [job_out(posting, comparisons.get(posting.pk)) for posting in items]
    return paginate(request, results, count=count, page=query.page, page_size=query.page_size)


class FeedImportOut(Schema):
    rows_read: int
    imported: int
    rejected: list[str] = Field(description="Each rejected row with its row/line number and the reason.")
    source: str


FEED_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
        "description": "A schema.org JobPosting array (JSON), or a LinkedIn-sample / USAJOBS CSV export.",
    }
}


@router.post(
    "/import",
    response={200: FeedImportOut, 413: Problem, 415: Problem, **WRITE_ERRORS},
    summary="Import a feed",
    openapi_extra=FEED_BODY,
)
def job_import(request: HttpRequest) -> FeedImportOut:
    """Create or update the organisation's postings from a feed, matched on their external ids (idempotent).
    Bad rows are reported and skipped; good rows are kept."""
    _, employer = _writer(request)
    if employer is None:
        raise ApiProblem(403, "Key not scoped to an organisation", "Imports need an organisation's key.")
    kind = request.content_type or ""
    suffix = {"application/json": ".json", "text/csv": ".csv"}.get(kind)
    if suffix is None:
        raise ApiProblem(415, "Unsupported feed type", "Send Content-Type application/json or text/csv.")
    if len(request.body) > MAX_FEED_BYTES:
        raise ApiProblem(413, "Feed too large", f"Send at most {MAX_FEED_BYTES:,} bytes a request.")
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / f"feed{suffix}"
        path.write_bytes(request.body)
        try:
            run, errors = feeds.load(path, employer=employer)
        except DataFileError as exc:
            raise ApiProblem(400, "Unreadable feed", str(exc).replace(str(path), "the feed")) from None
    return FeedImportOut(
        rows_read=run.rows_read or 0, imported=run.rows_written or 0, rejected=errors, source=run.release
    )


class JobPath(Schema):
    job_id: int = Field(ge=1, le=2_147_483_647, description="The posting's id.")


def _key(request: HttpRequest) -> ApiKey | None:
    return getattr(request, "api_key", None)


def _writer(request: HttpRequest) -> tuple[User, Employer | None]:
    """The key's user and organisation; refuses keys that may not write postings."""
    key = _key(request)
    if key is None:
        raise ApiProblem(401, "API key required", "Send an API key (X-API-Key) created by an employer member.")
    if key.employer is None and not is_editor(key.user):
        raise ApiProblem(
            403,
            "Key not scoped to an organisation",
            "Only keys created by an employer organisation's members can write postings.",
        )
    return key.user, key.employer


def _posting_for_write(request: HttpRequest, job_id: int) -> Posting:
    _, employer = _writer(request)
    posting = Posting.objects.select_related("employer", "role", "area").filter(pk=job_id).first()
    if posting is None or (posting.status == Posting.Status.DRAFT and employer and posting.employer != employer):
        raise ApiProblem(404, "Unknown posting", f"There is no posting {job_id} your key can see.")
    if employer is not None and posting.employer_id != employer.pk:
        raise ApiProblem(403, "Not your organisation's posting", f"Posting {job_id} belongs to another organisation.")
    return posting


@router.get("/{job_id}", response={200: JobOut, 404: Problem, **ERRORS}, summary="One job posting")
def job(request: HttpRequest, path: Path[JobPath]) -> JobOut | HttpResponse:
    posting = Posting.objects.select_related("employer", "role", "area").filter(pk=path.job_id).first()
    key = _key(request)
    own = posting is not None and key is not None and key.employer_id == posting.employer_id
    if posting is None or (posting.status == Posting.Status.DRAFT and not own):
        raise ApiProblem(404, "Unknown posting", f"There is no posting {path.job_id}.")
    out = job_out(posting, pay_comparisons([posting]).get(posting.pk))
    if posting.status == Posting.Status.DRAFT:  # the organisation's own: never kept by shared caches
        response = HttpResponse(out.model_dump_json(), content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response
    return out


class JobIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    role: str | None = Field(None, max_length=200, description="Role slug or title; empty: suggested from the title.")
    location: str | None = Field(None, max_length=200, description="A place; may be empty only for remote jobs.")
    arrangement: Literal["onsite", "hybrid", "remote"] = "onsite"
    employment_type: Literal["full_time", "part_time", "contract", "temporary", "internship", "volunteer", "other"] = (
        "full_time"
    )
    salary_min: float | None = Field(None, ge=0, le=10_000_000)
    salary_max: float | None = Field(None, ge=0, le=10_000_000)
    salary_period: Literal["hour", "year", ""] = ""
    description: str = Field("", max_length=20_000, description="Markdown.")
    apply_url: str = Field("", max_length=500)
    apply_email: str = Field("", max_length=254)
    publish: bool = Field(False, description="Publish at once (else it is saved as a draft).")


class JobPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    role: str | None = Field(None, max_length=200)
    location: str | None = Field(None, max_length=200)
    arrangement: Literal["onsite", "hybrid", "remote"] | None = None
    employment_type: (
        Literal["full_time", "part_time", "contract", "temporary", "internship", "volunteer", "other"] | None
    ) = None
    salary_min: float | None = Field(None, ge=0, le=10_000_000)
    salary_max: float | None = Field(None, ge=0, le=10_000_000)
    salary_period: Literal["hour", "year", ""] | None = None
    description: str | None = Field(None, max_length=20_000)
    apply_url: str | None = Field(None, max_length=500)
    apply_email: str | None = Field(None, max_length=254)


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    """The site's PostingForm decides, so the API refuses exactly what the site refuses."""
    form = PostingForm(data={k: ("" if v is None else v) for k, v in data.items()})
    if not form.is_valid():
        errors = [
            {"field": field, "message": str(message)} for field, messages in form.errors.items() for message in messages
        ]
        raise ApiProblem(422, "Invalid posting", errors[0]["message"], errors=errors)
    return form.cleaned_data


@router.post("", response={201: JobOut, **WRITE_ERRORS}, summary="Create a job posting")
def job_create(request: HttpRequest, body: JobIn) -> Status[JobOut]:
    """A posting for the key's organisation: a draft, or published at once with `publish`."""
    user, employer = _writer(request)
    if employer is None:
        raise ApiProblem(
            403, "Key not scoped to an organisation", "Editors' keys may change postings, not create them."
        )
    data = _validated(body.dict(exclude={"publish"}))
    posting = posting_write(posting=Posting(employer=employer), data=data, user=user, publish=body.publish)
    return Status(201, job_out(posting))


@router.patch("/{job_id}", response={200: JobOut, **WRITE_ERRORS}, summary="Change a job posting")
def job_update(request: HttpRequest, path: Path[JobPath], body: JobPatch) -> JobOut:
    """Change the fields sent; the others keep their values. The whole posting is validated again."""
    posting = _posting_for_write(request, path.job_id)
    data = {**PostingForm.initial_for(posting), **body.dict(exclude_unset=True)}
    posting = posting_write(posting=posting, data=_validated(data))
    return job_out(posting)


class JobAction(Schema):
    job_id: int = Field(ge=1, le=2_147_483_647)
    action: Literal["publish", "close", "renew"] = Field(
        description="publish a draft (or republish), close it, or renew it for another lifetime from today."
    )


@router.post("/{job_id}/{action}", response={200: JobOut, **WRITE_ERRORS}, summary="Publish, close or renew")
def job_action(request: HttpRequest, path: Path[JobAction]) -> JobOut:
    posting = _posting_for_write(request, path.job_id)
    {"publish": posting_publish, "close": posting_close, "renew": posting_renew}[path.action](posting=posting)
    return job_out(posting)
