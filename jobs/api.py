"""/api/v1/jobs: search postings (anyone), and write them (an API key scoped to an employer organisation)."""

import tempfile
from pathlib import Path as FilePath
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, ValidationError

from accounts.api_auth import KEY_REQUIRED, caller_key
from accounts.models import ApiKey, Organisation
from accounts.permissions import is_editor
from geo.api import place_or_problem
from jobs.imports import postings as feeds
from jobs.models import Posting
from jobs.pay import pay_comparisons
from jobs.schemas import JobIn, JobOut, JobPatch, PostingFields
from jobs.search import JobSearch, search_postings
from jobs.services import PostingInvalid, posting_close, posting_publish, posting_renew, posting_upsert
from lib.api import (
    ERRORS,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    ROLE_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    PagePagination,
    Problem,
    field_message,
)
from lib.problems import ApiProblem
from roles.api import category_or_problem, role_or_problem
from sources.parsing import DataFileError

router = Router(tags=["jobs"])
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: Problem, 403: Problem, 404: Problem}
MAX_FEED_BYTES = 5_000_000


class JobListQuery(Schema):
    q: str | None = Field(
        None, description="Words in the title, employer, role or description.", max_length=100, pattern=TEXT_PATTERN
    )
    role: str | None = Field(
        None,
        description="Role slug, or the SOC / O*NET-SOC code of its occupation.",
        max_length=120,
        pattern=ROLE_PATTERN,
    )
    category: str | None = Field(None, description="Category slug.", max_length=50, pattern=SLUG_PATTERN)
    location: str | None = Field(
        None, description="A place; postings in its area.", max_length=PLACE_MAX_LENGTH, pattern=PLACE_PATTERN
    )
    remote: bool = Field(False, description="Remote postings only.")
    min_salary: int | None = Field(None, ge=0, le=10_000_000, description="Minimum pay a year, USD.")
    days: int | None = Field(None, ge=1, le=3650, description="Posted within this many days.")
    sort: Literal["newest", "salary"] = "newest"
    include_expired: bool = Field(False, description="Also postings past their date.")


def _jobs_out(postings: list[Posting]) -> list[JobOut]:
    """One page of postings, with their pay comparisons read in one query."""
    comparisons = pay_comparisons(postings)
    return [JobOut.of(posting, comparisons.get(posting.pk)) for posting in postings]


@router.get(
    "",
    response={200: list[JobOut], **PLACE_ANSWERS, **ERRORS},
    summary="Search job postings",
    operation_id="list_jobs",
)
@paginate(PagePagination, page_size=25, prepare=_jobs_out)
def jobs(request: HttpRequest, query: Query[JobListQuery]) -> QuerySet[Posting]:
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
    return found


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
    auth=KEY_REQUIRED,
    operation_id="import_jobs",
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
    body = _feed_body(request)
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / f"feed{suffix}"
        path.write_bytes(body)
        try:
            run, errors = feeds.load(path, employer=employer)
        except feeds.FeedTooLarge as exc:
            raise ApiProblem(413, "Feed too large", str(exc).replace(str(path), "the feed")) from None
        except DataFileError as exc:
            raise ApiProblem(400, "Unreadable feed", str(exc).replace(str(path), "the feed")) from None
    return FeedImportOut(
        rows_read=run.rows_read or 0, imported=run.rows_written or 0, rejected=errors, source=run.release
    )


def _feed_body(request: HttpRequest) -> bytes:
    """The request's body, up to MAX_FEED_BYTES (read from the stream: Django's smaller in-memory limit for request
    bodies is for forms). Larger is a 413, whatever Content-Length says."""
    too_large = ApiProblem(413, "Feed too large", f"Send at most {MAX_FEED_BYTES:,} bytes a request.")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_FEED_BYTES:
        raise too_large
    body = request.read(MAX_FEED_BYTES + 1)
    if len(body) > MAX_FEED_BYTES:
        raise too_large
    return body


class JobPath(Schema):
    job_id: int = Field(ge=1, le=2_147_483_647, description="The posting's id.")


def _writer(request: HttpRequest) -> tuple[User, Organisation | None]:
    """The key's user and organisation; refuses keys that may not write postings."""
    key = caller_key(request)
    if key is None:
        raise ApiProblem(401, "API key required", "Send an API key (X-API-Key) created by an employer member.")
    if key.employer is None and not is_editor(key.user):
        raise ApiProblem(
            403,
            "Key not scoped to an organisation",
            "Only keys created by an employer organisation's members can write postings.",
        )
    if not key.allows(ApiKey.Scope.POSTINGS_WRITE):
        raise ApiProblem(
            403,
            "Key may only read",
            "This key does not have the postings:write scope; create a key that may change postings.",
        )
    return key.user, key.employer


def _posting_for_write(request: HttpRequest, job_id: int) -> Posting:
    _, employer = _writer(request)
    visible = Posting.objects.visible_to(organisation=employer, editor=employer is None)  # no organisation: an editor
    posting = visible.select_related("employer", "role", "area").filter(pk=job_id).first()
    if posting is None:
        raise ApiProblem(404, "Unknown posting", f"There is no posting {job_id} your key can see.")
    if employer is not None and posting.employer_id != employer.pk:
        raise ApiProblem(403, "Not your organisation's posting", f"Posting {job_id} belongs to another organisation.")
    return posting


@router.get(
    "/{job_id}", response={200: JobOut, 404: Problem, **ERRORS}, summary="One job posting", operation_id="get_job"
)
def job(request: HttpRequest, path: Path[JobPath]) -> JobOut | HttpResponse:
    key = caller_key(request)
    visible = Posting.objects.visible_to(organisation=key.employer if key else None)
    posting = visible.select_related("employer", "role", "area").filter(pk=path.job_id).first()
    if posting is None:
        raise ApiProblem(404, "Unknown posting", f"There is no posting {path.job_id}.")
    out = JobOut.of(posting, pay_comparisons([posting]).get(posting.pk))
    if posting.status == Posting.Status.DRAFT:  # the organisation's own: never kept by shared caches
        response = HttpResponse(out.model_dump_json(), content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response
    return out


def _invalid(problems: list[dict[str, str]]) -> ApiProblem:
    return ApiProblem(422, "Invalid posting", problems[0]["message"], errors=problems)


def _saved(organisation: Organisation, fields: PostingFields, **options: Any) -> Posting:
    """posting_upsert, with its refusal as a 422 naming the field and saying what the site would say."""
    try:
        return posting_upsert(organisation=organisation, fields=fields, **options)
    except PostingInvalid as invalid:
        raise _invalid(
            [{"field": field, "message": message} for field, messages in invalid.errors.items() for message in messages]
        ) from None


def _answer(posting: Posting) -> JobOut:
    return JobOut.of(posting, pay_comparisons([posting]).get(posting.pk))


@router.post(
    "",
    response={201: JobOut, **WRITE_ERRORS},
    summary="Create a job posting",
    operation_id="create_job",
    auth=KEY_REQUIRED,
)
def job_create(request: HttpRequest, body: JobIn) -> Status[JobOut]:
    """A posting for the key's organisation: a draft, or published at once with `publish`."""
    user, employer = _writer(request)
    if employer is None:
        raise ApiProblem(
            403, "Key not scoped to an organisation", "Editors' keys may change postings, not create them."
        )
    fields = PostingFields(**body.model_dump(exclude={"publish"}))
    posting = _saved(employer, fields, acting_user=user, publish=body.publish)
    return Status(201, _answer(posting))


def _nullable(name: str) -> bool:
    annotation = PostingFields.model_fields[name].annotation
    return type(None) in getattr(annotation, "__args__", ())


@router.patch(
    "/{job_id}",
    response={200: JobOut, **WRITE_ERRORS},
    summary="Change a job posting",
    operation_id="update_job",
    auth=KEY_REQUIRED,
)
def job_update(request: HttpRequest, path: Path[JobPath], body: JobPatch) -> JobOut:
    """Change the fields sent; the others keep their values. The whole posting is validated again."""
    posting = _posting_for_write(request, path.job_id)
    # Absent means unchanged; so does null for a field that cannot be empty (null clears one that can).
    change = {
        name: value
        for name, value in body.model_dump(exclude_unset=True).items()
        if value is not None or _nullable(name)
    }
    try:
        fields = PostingFields(**(PostingFields.of(posting).model_dump() | change))
    except ValidationError as exc:
        raise _invalid(
            [{"field": ".".join(map(str, e["loc"])), "message": field_message(e["msg"])} for e in exc.errors()]
        ) from None
    return _answer(_saved(posting.employer, fields, posting_id=posting.pk))


class JobAction(Schema):
    job_id: int = Field(ge=1, le=2_147_483_647)
    action: Literal["publish", "close", "renew"] = Field(
        description="publish a draft (or republish), close it, or renew it for another lifetime from today."
    )


@router.post(
    "/{job_id}/{action}",
    response={200: JobOut, **WRITE_ERRORS},
    summary="Publish, close or renew",
    operation_id="change_job_status",
    auth=KEY_REQUIRED,
)
def job_action(request: HttpRequest, path: Path[JobAction]) -> JobOut:
    posting = _posting_for_write(request, path.job_id)
    {"publish": posting_publish, "close": posting_close, "renew": posting_renew}[path.action](posting=posting)
    return _answer(posting)
