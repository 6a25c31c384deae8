"""API contract for OEWS estimates, areas and releases."""

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from geo.schemas import AreaOut
from wages.models import Release, ReleaseChange
from wages.summary import WageSummary


def release_field() -> Any:
    """The `release` query parameter of every endpoint that shows OEWS figures."""
    return Field(
        None,
        description="Release year (May YEAR): the current release by default; a staged release is shown only when "
        "asked for this way.",
        ge=1990,
        le=2100,
    )


class ReleaseOut(Schema):
    name: str = Field(description="e.g. May 2025")
    year: int
    published: str | None = Field(description="Date BLS published the release, when known (ISO 8601).")
    citation: str
    staged: bool = Field(
        description="True for a release loaded for checking and not yet public: shown only when asked for with "
        "release=YEAR."
    )

    @staticmethod
    def of(release: Release) -> "ReleaseOut":
        return ReleaseOut(
            name=release.name,
            year=release.year,
            published=release.published.isoformat() if release.published else None,
            citation=release.citation,
            staged=release.staged,
        )


class ReleaseChangeOut(Schema):
    """One change to a release. Who made it (an operator's account or address) is kept for the admin and the
    database, never published."""

    action: Literal["staged", "published", "rolled back"]
    at: datetime
    note: str

    @staticmethod
    def of(change: ReleaseChange) -> "ReleaseChangeOut":
        return ReleaseChangeOut(action=change.action, at=change.at, note=change.note)  # type: ignore[arg-type]


class ReleaseStatusOut(ReleaseOut):
    status: Literal["current", "retired", "staged"] = Field(
        description="current: shown by default; retired: an earlier public release, in the history; staged: loaded "
        "for checking with release=YEAR, shown nowhere else until published."
    )
    changes: list[ReleaseChangeOut] = Field(description="When it was loaded, published or rolled back, newest first.")
    download: str | None = Field(
        None,
        description="URL of the whole release as one gzipped CSV in BLS's all_data column layout, special values as "
        "BLS writes them; written once per data version and served from a file.",
    )
    download_sha256: str | None = Field(None, description="SHA-256 of the file `download` answers with.")

    @staticmethod
    def of_status(release: Release, current_year: int | None) -> "ReleaseStatusOut":
        return ReleaseStatusOut(
            **ReleaseOut.of(release).model_dump(),
            status=release.status(current_year).value,  # type: ignore[arg-type]
            changes=[ReleaseChangeOut.of(change) for change in release.changes.all()],
        )


class Percentiles(Schema):
    p10: float | None = Field(description="10th percentile.")
    p25: float | None = Field(description="25th percentile (Low).")
    median: float | None = Field(description="Median (Medium).")
    p75: float | None = Field(description="75th percentile (High).")
    p90: float | None = Field(description="90th percentile.")
    mean: float | None = Field(description="Mean.")


class WageOut(Schema):
    """One OEWS estimate. A value BLS did not publish as a number is null, and `special` gives its symbol."""

    occupation_code: str
    occupation_title: str
    area: AreaOut
    release: ReleaseOut
    employment: int | None = Field(description="Employment, rounded by BLS.")
    employment_rse: float | None = Field(description="Relative standard error of employment, percent.")
    jobs_per_1000: float | None = Field(description="Jobs in the occupation per 1,000 jobs in the area.")
    location_quotient: float | None = Field(description="Area's share of the occupation relative to the nation.")
    annual: Percentiles = Field(description="Annual wages, dollars.")
    hourly: Percentiles = Field(description="Hourly wages, dollars.")
    mean_rse: float | None = Field(description="Relative standard error of the mean wage, percent.")
    annual_only: bool = Field(description="BLS publishes only annual wages for this occupation.")
    hourly_only: bool = Field(description="BLS publishes only hourly wages for this occupation.")
    wage_unit: Literal["year", "hour"] = Field(
        description="The unit of the headline figures (Low/Medium/High): hour for hourly-only occupations."
    )
    low: float | None = Field(description="25th percentile in wage_unit (the page's Low).")
    medium: float | None = Field(description="Median in wage_unit (the page's Medium).")
    high: float | None = Field(description="75th percentile in wage_unit (the page's High).")
    special: dict[str, str] = Field(description="Field -> BLS symbol, for values published as a symbol.")
    special_meanings: dict[str, str] = Field(description="What each symbol used here means, as the page says it.")
    notes: list[str] = Field(
        description="The sentences the page shows under these figures: units, BLS symbols, percentiles that meet."
    )
    less_reliable: bool = Field(description="True when a relative standard error is above 10 percent.")
    area_note: str = Field(
        default="",
        description="When the estimate is for another area than the one asked (BLS publishes none there): where the "
        "figures come from instead, the area's state or the nation.",
    )

    @staticmethod
    def of(summary: WageSummary) -> "WageOut":
        estimate = summary.estimate

        def num(value: object) -> float | None:
            return None if value is None else float(value)  # type: ignore[arg-type]

        # The values are built here with the declared types (floats, ints, strings), so the answer is constructed
        # without validation: validating it (ninja's Django-object getter on every field) cost a call more than
        # reading the estimate. wages/tests check the answers against the schema.
        def percentiles(kind: str) -> Percentiles:
            def value(key: str) -> float | None:
                return num(getattr(estimate, f"{kind}_{key}"))

            return Percentiles.model_construct(
                p10=value("p10"),
                p25=value("p25"),
                median=value("median"),
                p75=value("p75"),
                p90=value("p90"),
                mean=value("mean"),
            )

        special = estimate.special or {}
        rses = [value for value in (estimate.employment_rse, estimate.mean_rse) if value is not None]
        return WageOut.model_construct(
            occupation_code=estimate.occupation_id,
            occupation_title=estimate.occupation.title,
            area=AreaOut.of(estimate.area),
            release=ReleaseOut.of(summary.release),
            employment=estimate.employment,
            employment_rse=num(estimate.employment_rse),
            jobs_per_1000=num(estimate.jobs_per_1000),
            location_quotient=num(estimate.location_quotient),
            annual=percentiles("annual"),
            hourly=percentiles("hourly"),
            mean_rse=num(estimate.mean_rse),
            annual_only=estimate.annual_only,
            hourly_only=estimate.hourly_only,
            wage_unit="hour" if summary.unit == "hour" else "year",
            low=num(summary.low.value),
            medium=num(summary.medium.value),
            high=num(summary.high.value),
            special=special,
            special_meanings=summary.symbol_meanings,
            notes=summary.notes,
            less_reliable=any(value > 10 for value in rses),
        )
