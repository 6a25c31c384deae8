"""The posting's fields, written once: `PostingFields` is what a posting's writer says. The site's form fills it,
feed rows are parsed into it, and the API's create (`JobIn`), change (`JobPatch`, every field optional) and read
(`JobOut`) schemas derive from it."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, cast

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from jobs.models import (
    FEDERAL_MINIMUM_WAGE,
    MAX_HOURLY,
    MAX_YEARLY,
    MIN_YEARLY,
    MIN_YEARLY_FULL_TIME,
    FeedImport,
    Posting,
)
from jobs.pay import PayComparison
from lib.api import MAX_PAGE_SIZE, TEXT_PATTERN

Arrangement = Literal["onsite", "hybrid", "remote"]
EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship", "volunteer", "other"]
MAX_PAY = 10_000_000  # a bound on any number; the pay rules (jobs.models.pay_problem) are narrower


def _pay_range(minimum: float, maximum: float) -> dict[str, Any]:
    bound = {"anyOf": [{"type": "null"}, {"minimum": minimum, "maximum": maximum}]}
    return {"properties": {"salary_min": bound, "salary_max": bound}}


class PostingFields(Schema):
    """What the writer of a posting says about it. The rules between fields (a place unless remote, a period for
    any pay, the lower end at most the upper, somewhere to apply) are checked by
    `jobs.services.postings.posting_upsert`."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, never quietly ignored

    title: str = Field(min_length=1, max_length=300, pattern=TEXT_PATTERN)
    role: str | None = Field(
        None, max_length=200, pattern=TEXT_PATTERN, description="Role slug or title; empty: suggested from the title."
    )
    location: str | None = Field(
        None, max_length=200, pattern=TEXT_PATTERN, description="A place; may be empty only for remote jobs."
    )
    arrangement: Arrangement = "onsite"
    employment_type: EmploymentType = "full_time"
    salary_min: float | None = Field(None, ge=0, le=MAX_PAY)
    salary_max: float | None = Field(None, ge=0, le=MAX_PAY)
    salary_period: Literal["hour", "year", ""] = ""
    description: str = Field("", max_length=20_000, pattern=TEXT_PATTERN, description="Markdown.")
    apply_url: str = Field("", max_length=500, pattern=TEXT_PATTERN)
    apply_email: str = Field("", max_length=254, pattern=TEXT_PATTERN)

    @classmethod
    def of(cls, posting: Posting) -> "PostingFields":
        """What is stored now, as the writer would say it again (the base an API PATCH is applied to). Not validated:
        a feed's posting may be longer than the limits for postings written here."""
        return cls.model_construct(
            title=posting.title,
            role=posting.role.slug if posting.role else "",
            location=posting.location_label or posting.location_text,
            arrangement=posting.arrangement,
            employment_type=posting.employment_type,
            salary_min=_number(posting.salary_min),
            salary_max=_number(posting.salary_max),
            salary_period=posting.salary_period,
            description=posting.description,
            apply_url=posting.apply_url,
            apply_email=posting.apply_email,
        )


WRITTEN = tuple(PostingFields.model_fields)  # the field list, in order


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _optional(info: FieldInfo) -> tuple[Any, FieldInfo]:
    """The same field, but optional: absent or null means "leave as it is"."""
    changed = FieldInfo.merge_field_infos(info, default=None)
    return (info.annotation | None, changed)  # type: ignore[operator]


# What the server checks across fields, stated in the schema as far as JSON Schema can (`jobs.services.postings`):
# a place unless the job is remote; a period for any pay; hourly pay from the federal minimum wage to $1,000, yearly
# pay from $1,000 ($15,080 full time) to $2,000,000 (`jobs.models.pay_problem`); somewhere to apply. Beyond it
# (the description says so): the place must be one rolescope knows, a role must match one, and the pay's lower end
# must be at most its upper end.
WRITE_RULES: list[dict[str, Any]] = [
    {
        "if": {"properties": {"arrangement": {"not": {"const": "remote"}}}},
        "then": {"required": ["location"], "properties": {"location": {"type": "string", "minLength": 1}}},
    },
    {
        "if": {
            "anyOf": [
                {"required": ["salary_min"], "properties": {"salary_min": {"type": "number"}}},
                {"required": ["salary_max"], "properties": {"salary_max": {"type": "number"}}},
            ]
        },
        "then": {"required": ["salary_period"], "properties": {"salary_period": {"enum": ["hour", "year"]}}},
    },
    {
        "if": {"required": ["salary_period"], "properties": {"salary_period": {"const": "hour"}}},
        "then": _pay_range(float(FEDERAL_MINIMUM_WAGE), float(MAX_HOURLY)),
    },
    {
        "if": {"required": ["salary_period"], "properties": {"salary_period": {"const": "year"}}},
        "then": _pay_range(float(MIN_YEARLY), float(MAX_YEARLY)),
    },
    {
        # employment_type is full_time when absent
        "if": {
            "required": ["salary_period"],
            "properties": {"salary_period": {"const": "year"}, "employment_type": {"const": "full_time"}},
        },
        "then": _pay_range(float(MIN_YEARLY_FULL_TIME), float(MAX_YEARLY)),
    },
    {
        "anyOf": [
            {"required": ["apply_url"], "properties": {"apply_url": {"pattern": "^https?://[^\\s]+$"}}},
            {"required": ["apply_email"], "properties": {"apply_email": {"pattern": "^[^@\\s]+@[^@\\s]+$"}}},
        ]
    },
]
WRITE_RULES_TEXT = (
    " The place must be one rolescope knows (as /locations/resolve answers), a role must name one (a slug or a"
    " title), and the pay's lower end must be at most its upper end; otherwise 422, naming the field."
)


class JobIn(PostingFields):
    """A new posting."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"allOf": cast(Any, WRITE_RULES), "description": "A new posting." + WRITE_RULES_TEXT},
    )

    publish: bool = Field(False, description="Publish at once (else it is saved as a draft).")


JobPatch = create_model(
    "JobPatch",
    __base__=Schema,
    __config__=None,
    __doc__="The fields to change; the others keep their values (null too, for a field that cannot be empty). The"
    " posting as changed must follow the rules of a new one." + WRITE_RULES_TEXT,
    **{name: _optional(info) for name, info in PostingFields.model_fields.items()},  # type: ignore[call-overload]
)
JobPatch.model_config["extra"] = "forbid"
JobPatch.model_rebuild(force=True)


class PayComparisonOut(Schema):
    verdict: Literal["below", "within", "above", "overlaps"] = Field(
        description="Where the pay's whole range falls against the local OEWS band for the role: below the 25th "
        "percentile, within the 25th-75th, above the 75th, or `overlaps` when it reaches across a band edge "
        "(`range_starts` and `range_ends` say where each end falls)."
    )
    range_starts: Literal["below", "within", "above"] = Field(description="Where the pay's lower end falls.")
    range_ends: Literal["below", "within", "above"] = Field(description="Where the pay's upper end falls.")
    unit: Literal["hour", "year"] = Field(description="The unit the pay was written in; the band is in it too.")
    band_low: float = Field(description="25th percentile in `unit`, dollars.")
    band_high: float = Field(description="75th percentile in `unit`, dollars.")
    sentence: str
    area: str = Field(description="The area of the band: the posting's, else its state's, else the nation's.")
    area_note: str = Field(description="Why the band is not the posting's own area's, when it is not.")
    release: str

    @staticmethod
    def of(comparison: PayComparison) -> "PayComparisonOut":
        return PayComparisonOut(
            verdict=comparison.verdict,  # type: ignore[arg-type]
            range_starts=comparison.starts,  # type: ignore[arg-type]
            range_ends=comparison.ends,  # type: ignore[arg-type]
            unit=comparison.unit,  # type: ignore[arg-type]
            band_low=float(comparison.low),
            band_high=float(comparison.high),
            sentence=comparison.sentence,
            area=comparison.area_name,
            area_note=comparison.note,
            release=comparison.release,
        )


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
    arrangement: Arrangement
    employment_type: str
    salary_min: float | None
    salary_max: float | None
    salary_period: Literal["hour", "year", ""] = Field(description="USD per hour or per year.")
    annual_min: int | None = Field(description="Pay a year (hourly x 2,080).")
    annual_max: int | None
    pay_comparison: PayComparisonOut | None
    description: str = Field(
        description="The source as written: Markdown for postings written here, plain text from imported feeds. "
        "Never insert it into a page as HTML; display `description_html`."
    )
    description_html: str = Field(
        description="The description as safe HTML to display: rendered and cleaned with an allow-list (no scripts, "
        "styles, event handlers or images; links only http, https and mailto) when the posting was saved."
    )
    apply_url: str
    apply_email: str
    posted_at: datetime | None
    expires_at: datetime | None
    external_id: str
    source: str = Field(description="The feed the posting came from, with its credit line; empty if written here.")

    @staticmethod
    def of(posting: Posting, comparison: PayComparison | None) -> "JobOut":
        written = PostingFields.of(posting).model_dump(exclude={"role", "location"})
        return JobOut(
            **written,
            id=posting.pk,
            url=posting.get_absolute_url(),
            status=posting.status,  # type: ignore[arg-type]
            employer=posting.employer.name,
            employer_slug=posting.employer.slug,
            role=posting.role.slug if posting.role else None,
            role_title=posting.role.title if posting.role else None,
            location=posting.location_label or posting.location_text,
            area_code=posting.area_id,
            annual_min=posting.annual_min,
            annual_max=posting.annual_max,
            pay_comparison=PayComparisonOut.of(comparison) if comparison else None,
            posted_at=posting.posted_at,
            expires_at=posting.expires_at,
            external_id=posting.external_id,
            source=posting.source,
            description_html=posting.description_html,
        )


class FeedImportOut(Schema):
    """A feed sent to `POST /jobs/import`: where it is, and once done, its report."""

    id: int
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="queued (waiting for a worker), running, done (the report is below) or failed (`error` says why;"
        " nothing was imported)."
    )
    url: str = Field(description="This status's address (the Location of the 202 answer).")
    content_type: Literal["application/json", "text/csv"]
    received_at: datetime
    finished_at: datetime | None
    rows_read: int | None = Field(description="When done: the postings (rows or items) in the feed.")
    imported: int | None = Field(description="When done: the postings created or updated.")
    rejected: list[str] | None = Field(
        description="When done: each rejected row with its row/line number and the reason."
    )
    source: str | None = Field(description="When done: the feed's layout, with its credit line.")
    error: str | None = Field(description="When failed: why.")

    @staticmethod
    def of(feed_import: FeedImport) -> "FeedImportOut":
        done = feed_import.status == FeedImport.Status.DONE
        return FeedImportOut(
            id=feed_import.pk,
            status=feed_import.status,  # type: ignore[arg-type]
            url=reverse("api-v1:feed_import_status", kwargs={"import_id": feed_import.pk}),
            content_type=feed_import.content_type,  # type: ignore[arg-type]
            received_at=feed_import.received_at,
            finished_at=feed_import.finished_at,
            rows_read=feed_import.rows_read if done else None,
            imported=feed_import.imported if done else None,
            rejected=list(feed_import.rejected) if done else None,
            source=feed_import.source if done else None,
            error=feed_import.error if feed_import.status == FeedImport.Status.FAILED else None,
        )


class JobPageQuery(Schema):
    """Which page of a job search: the first, a numbered one, or the one a `next` / `previous` link names."""

    page: int = Field(1, ge=1, le=10_000, description="The page, from 1 (ignored with `cursor`).")
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE, description="Items a page.")
    cursor: str | None = Field(
        None,
        description="Where the page starts, as the `next` and `previous` links carry it: opaque, made by the"
        " server and valid only for the same `sort`. A cursor the server did not make, or for another sort, is a"
        " 400; start again from the first page.",
    )


class JobPage(Schema):
    """A page of a job search. `count` stops counting at 1,000: beyond, it is 1,000 with `count_exact` false
    (show "1,000+"). Follow `next` and `previous`, which carry a `cursor`, to move through any number of postings
    at the same cost per page."""

    count: int = Field(description="Postings that match, counted up to 1,000 (see `count_exact`).")
    count_exact: bool = Field(description="Whether `count` is the exact number; false means more than `count`.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int = Field(description="Items a page.")
    next: str | None = Field(description="URL of the next page (with a `cursor`); null on the last page.")
    previous: str | None = Field(description="URL of the previous page; null on the first.")
    results: list[JobOut]
