"""The posting's fields, written once: `PostingFields` is what a posting's writer says. The site's form fills it,
feed rows are parsed into it, and the API's create (`JobIn`), change (`JobPatch`, every field optional) and read
(`JobOut`) schemas derive from it."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, create_model, field_validator
from pydantic.fields import FieldInfo

from jobs.models import Posting
from jobs.pay import PayComparison

Arrangement = Literal["onsite", "hybrid", "remote"]
EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship", "volunteer", "other"]
MAX_PAY = 10_000_000


class PostingFields(Schema):
    """What the writer of a posting says about it. The rules between fields (a place unless remote, a period for
    any pay, the lower end at most the upper, somewhere to apply) are checked by `jobs.services.posting_upsert`."""

    title: str = Field(min_length=1, max_length=300)
    role: str | None = Field(None, max_length=200, description="Role slug or title; empty: suggested from the title.")
    location: str | None = Field(None, max_length=200, description="A place; may be empty only for remote jobs.")
    arrangement: Arrangement = "onsite"
    employment_type: EmploymentType = "full_time"
    salary_min: float | None = Field(None, ge=0, le=MAX_PAY)
    salary_max: float | None = Field(None, ge=0, le=MAX_PAY)
    salary_period: Literal["hour", "year", ""] = ""
    description: str = Field("", max_length=20_000, description="Markdown.")
    apply_url: str = Field("", max_length=500)
    apply_email: str = Field("", max_length=254)

    @field_validator("title", "role", "location", "description", "apply_url", "apply_email")
    @classmethod
    def no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value

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


class JobIn(PostingFields):
    publish: bool = Field(False, description="Publish at once (else it is saved as a draft).")


JobPatch = create_model(
    "JobPatch",
    __base__=Schema,
    __doc__="The fields to change; the others keep their values. The whole posting is validated again.",
    **{name: _optional(info) for name, info in PostingFields.model_fields.items()},  # type: ignore[call-overload]
)


class PayComparisonOut(Schema):
    verdict: Literal["below", "within", "above"] = Field(
        description="Against the local OEWS band for the role: below the 25th percentile, within, above the 75th."
    )
    sentence: str
    area: str
    release: str

    @staticmethod
    def of(comparison: PayComparison) -> "PayComparisonOut":
        return PayComparisonOut(
            verdict=comparison.verdict,  # type: ignore[arg-type]
            sentence=comparison.sentence,
            area=comparison.area_name,
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
    description: str = Field(description="Markdown for postings written here; plain text from imported feeds.")
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
        )
