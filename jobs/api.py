"""/api/v1/jobs: search postings (anyone), and write them (an API key scoped to an employer organisation)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import P, Path, Query, Router, Schema
from ninja.pagination import PaginationBase, paginate
from ninja.params import HeaderEx
from ninja.renderers import JSONRenderer
from pydantic import Field, ValidationError

from accounts.api_auth import KEY_REQUIRED, caller_key
from accounts.models import ApiKey, Organisation
from accounts.permissions import is_editor
from geo.resolve import place_or_problem
from jobs.imports import postings as feeds
from jobs.models import FeedImport, Posting
from jobs.pagination import InvalidCursor, page_of
from jobs.pay import pay_comparisons
from jobs.schemas import FeedImportOut, JobIn, JobOut, JobPage, JobPageQuery, JobPatch, PostingFields
from jobs.search import JobSearch, search_pages
from jobs.services.feed_imports import FeedImportsFull, feed_import_create
from jobs.services.idempotency import (
    Answer,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    idempotent_answer,
    idempotent_write,
    request_fingerprint,
)
from jobs.services.postings import PostingInvalid, posting_close, posting_publish, posting_renew, posting_upsert
from lib.api import (
    ERRORS,
    PLACE_ANSWERS,
    PLACE_MAX_LENGTH,
    PLACE_PATTERN,
    ROLE_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    Problem,
    field_message,
)
from lib.api_csv import Format, csv_rows, format_field
from lib.problems import ApiProblem
from lib.site import absolute_url
from roles.lookup import category_or_problem, role_or_problem

router = Router(tags=["jobs"])
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: Problem, 403: Problem, 404: Problem}
MAX_FEED_BYTES = feeds.MAX_FEED_BYTES


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
    format: Format | None = format_field()


def _jobs_out(postings: list[Posting]) -> list[JobOut]:
    """One page of postings, with their pay comparisons read in one query."""
    comparisons = pay_comparisons(postings)
    return [JobOut.of(posting, comparisons.get(posting.pk)) for posting in postings]


@dataclass(frozen=True)
class Found:
    """A search's postings, plain and in the form read in sort order (jobs.search.search_pages)."""

    postings: QuerySet[Posting]
    in_order: QuerySet[Posting]


class JobPagination(PaginationBase):
    """Job search pages (jobs.pagination): a count capped at 1,000 with `count_exact`, and `next` / `previous`
    links that carry a cursor, so a deep page costs what the first does. `page=N` still works (an OFFSET)."""

    items_attribute = "results"
    Input = JobPageQuery  # type: ignore[assignment]
    Output = JobPage  # type: ignore[assignment]

    def paginate_queryset(  # type: ignore[override]  # the search's two forms (Found), not one QuerySet
        self, queryset: Found, pagination: JobPageQuery, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = pagination.page_size
        try:
            page = page_of(
                queryset.postings,
                page_size=size,
                cursor=pagination.cursor,
                number=pagination.page,
                in_order=queryset.in_order,
            )
        except InvalidCursor as invalid:
            raise ApiProblem(400, "Invalid cursor", str(invalid)) from None

        def link(**changes: str) -> str:
            query = request.GET.copy()
            for name in ("page", "cursor"):
                query.pop(name, None)
            for name, value in {**changes, "page_size": str(size)}.items():
                query[name] = value
            return absolute_url(request, f"{request.path}?{query.urlencode()}")

        previous = None
        if page.previous_cursor:
            previous = link(cursor=page.previous_cursor)
        elif page.has_previous:
            previous = link(page=str(page.number - 1))
        return {
            "count": page.count.value,
            "count_exact": page.count.exact,
            "page": page.number,
            "page_size": size,
            "next": link(cursor=page.next_cursor) if page.next_cursor else None,
            "previous": previous,
            "results": _jobs_out(page.items),
        }


@router.get(
    "",
    response={200: list[JobOut], **PLACE_ANSWERS, **ERRORS},
    summary="Search job postings",
    operation_id="list_jobs",
)
@csv_rows(JobOut, filename="rolescope-jobs.csv")
@paginate(JobPagination)
def jobs(request: HttpRequest, query: Query[JobListQuery]) -> Found:
    """Open postings (and, with `include_expired`, past ones), newest first or by pay, each with how its pay
    compares with the local OEWS band for its role. `count` stops at 1,000 (`count_exact` false beyond); `next`
    and `previous` carry a cursor, so every page costs about what the first does."""
    found, in_order, _ = search_pages(
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
    return Found(found, in_order)


IDEMPOTENCY_KEY_HELP = (
    "A key of your choosing (1-255 printable characters, e.g. a UUID) that makes retrying this request safe: a"
    " retry with the same key and the same request, within a day, gets the first answer again (with the header"
    " `Idempotent-Replayed: true`) and writes nothing; the same key with a different request is a 422. A request"
    " that was refused stored nothing, so it may be corrected and sent again with the same key."
)
# The key is a header: HeaderEx[str | None, P(...)] is how django-ninja names, bounds and documents one.
IdempotencyKey = HeaderEx[
    str | None,
    P(alias="Idempotency-Key", description=IDEMPOTENCY_KEY_HELP, min_length=1, max_length=255, pattern=r"^[ -~]+$"),
]
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
KEY_PROBLEMS: dict[int, Any] = {409: Problem}
_JSON = JSONRenderer()


def _rendered(request: HttpRequest, status: int, out: Schema, location: str = "") -> Answer:
    """An answer as the API renders it, kept as sent (what a retry with the same key gets)."""
    return Answer(
        status=status, body=_JSON.render(request, out.model_dump(), response_status=status), location=location
    )


def _sent(answer: Answer, *, replayed: bool) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type="application/json; charset=utf-8")
    if answer.location:
        response["Location"] = answer.location
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _key_problem(exc: Exception) -> ApiProblem:
    if isinstance(exc, IdempotencyKeyReused):
        return ApiProblem(
            422,
            "Idempotency-Key reused",
            "This Idempotency-Key came before with a different request (method, address, content type or body); "
            "send a new key with a new request.",
        )
    return ApiProblem(
        409, "Request in progress", "A request with this Idempotency-Key has not finished yet; retry in a moment."
    )


def _fingerprint(request: HttpRequest, body: bytes) -> str:
    return request_fingerprint(
        method=request.method or "", path=request.path, content_type=request.content_type or "", body=body
    )


def _once(
    request: HttpRequest, organisation: Organisation, key: str | None, body: bytes, write: Callable[[], Answer]
) -> HttpResponse:
    """`write()`'s answer, written once per Idempotency-Key (jobs.services.idempotency.idempotent_write)."""
    try:
        answer, replayed = idempotent_write(
            organisation=organisation, key=key, fingerprint=_fingerprint(request, body), write=write
        )
    except (IdempotencyKeyReused, IdempotencyKeyInUse) as exc:
        raise _key_problem(exc) from None
    return _sent(answer, replayed=replayed)


FEED_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
        "description": "A schema.org JobPosting array (JSON), or a LinkedIn-sample / USAJOBS CSV export.",
    },
    "responses": {
        202: {
            "headers": {
                "Location": {
                    "description": "The import's status: `GET /api/v1/jobs/imports/{import_id}`.",
                    "schema": {"type": "string"},
                },
                **REPLAYED_HEADER,
            }
        }
    },
}


@router.post(
    "/import",
    response={202: FeedImportOut, 413: Problem, 415: Problem, **KEY_PROBLEMS, **WRITE_ERRORS},
    summary="Import a feed",
    auth=KEY_REQUIRED,
    operation_id="import_jobs",
    openapi_extra=FEED_BODY,
)
def job_import(request: HttpRequest, idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Queue a feed to create or update the organisation's postings, matched on their external ids (importing it
    again changes nothing twice). A feed that cannot be read as a whole is refused at once (400, 413, 415);
    otherwise the answer is 202 with `Location`, its status: `GET /jobs/imports/{import_id}` says queued, running,
    then done with the rows read, imported and rejected (each with its row/line and the reason), or failed. Bad rows
    are reported and skipped; good rows are kept."""
    user, employer = _writer(request)
    if employer is None:
        raise ApiProblem(403, "Key not scoped to an organisation", "Imports need an organisation's key.")
    kind = request.content_type or ""
    if kind not in feeds.CONTENT_TYPES:
        raise ApiProblem(415, "Unsupported feed type", "Send Content-Type application/json or text/csv.")
    body = _feed_body(request)
    if idempotency_key is not None:  # a retry is answered before the feed is read again
        try:
            answered = idempotent_answer(
                organisation=employer, key=idempotency_key, fingerprint=_fingerprint(request, body)
            )
        except (IdempotencyKeyReused, IdempotencyKeyInUse) as exc:
            raise _key_problem(exc) from None
        if answered is not None:
            return _sent(answered, replayed=True)
    _refuse_unreadable(body, kind)

    def queue() -> Answer:
        try:
            feed_import = feed_import_create(organisation=employer, sent_by=user, content_type=kind, body=body)
        except FeedImportsFull as exc:
            raise ApiProblem(429, "Too many imports waiting", str(exc)) from None
        out = FeedImportOut.of(feed_import)
        return _rendered(request, 202, out, location=out.url)

    return _once(request, employer, idempotency_key, body, queue)


def _refuse_unreadable(body: bytes, content_type: str) -> None:
    """A feed that cannot be read as a whole is refused before it is kept; bad rows are the worker's to report."""
    problem = feeds.feed_problem(body, content_type)
    if problem is not None:
        status, message = problem
        raise ApiProblem(status, "Feed too large" if status == 413 else "Unreadable feed", message)


class FeedImportPath(Schema):
    import_id: int = Field(ge=1, le=2_147_483_647, description="The import's id (in the 202's Location).")


@router.get(
    "/imports/{import_id}",
    response={200: FeedImportOut, 403: Problem, 404: Problem, **ERRORS},
    summary="A feed import's status and report",
    auth=KEY_REQUIRED,
    operation_id="get_feed_import",
)
def feed_import_status(request: HttpRequest, path: Path[FeedImportPath], response: HttpResponse) -> FeedImportOut:
    """Queued, running, done (with the report: rows read, imported, rejected with their line and reason) or failed
    (with the reason; nothing was imported). Only the organisation that sent the feed sees it."""
    key = caller_key(request)
    if key is None or key.employer is None:
        raise ApiProblem(403, "Key not scoped to an organisation", "Imports belong to an organisation's keys.")
    feed_import = FeedImport.objects.defer("body").filter(pk=path.import_id, organisation=key.employer).first()
    if feed_import is None:
        raise ApiProblem(404, "Unknown import", f"There is no feed import {path.import_id} your key can see.")
    response["Cache-Control"] = "private, no-store"  # it changes until it is done
    return FeedImportOut.of(feed_import)


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


def _json_only(request: HttpRequest) -> None:
    """A JSON write must say it is JSON: a `text/plain` body (which a browser may send cross-origin without asking
    first) is refused, never read as JSON."""
    if request.content_type != "application/json":
        raise ApiProblem(415, "Unsupported content type", "Send the posting as Content-Type application/json.")


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
    response={201: JobOut, 413: Problem, 415: Problem, **KEY_PROBLEMS, **WRITE_ERRORS},
    summary="Create a job posting",
    operation_id="create_job",
    auth=KEY_REQUIRED,
    openapi_extra={"responses": {201: {"headers": REPLAYED_HEADER}}},
)
def job_create(request: HttpRequest, body: JobIn, idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """A posting for the key's organisation: a draft, or published at once with `publish`. Send an
    `Idempotency-Key` to make a retry safe: the posting is created once."""
    _json_only(request)
    user, employer = _writer(request)
    if employer is None:
        raise ApiProblem(
            403, "Key not scoped to an organisation", "Editors' keys may change postings, not create them."
        )
    fields = PostingFields(**body.model_dump(exclude={"publish"}))

    def create() -> Answer:
        return _rendered(request, 201, _answer(_saved(employer, fields, acting_user=user, publish=body.publish)))

    return _once(request, employer, idempotency_key, request.body, create)


def _nullable(name: str) -> bool:
    annotation = PostingFields.model_fields[name].annotation
    return type(None) in getattr(annotation, "__args__", ())


@router.patch(
    "/{job_id}",
    response={200: JobOut, 413: Problem, 415: Problem, **WRITE_ERRORS},
    summary="Change a job posting",
    operation_id="update_job",
    auth=KEY_REQUIRED,
)
def job_update(request: HttpRequest, path: Path[JobPath], body: JobPatch) -> JobOut:
    """Change the fields sent; the others keep their values. The whole posting is validated again."""
    _json_only(request)
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
