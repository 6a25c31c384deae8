"""BLS Occupational Employment and Wage Statistics (OEWS): releases, areas and estimates."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone

from geo.models import Area
from occupations.models import Occupation

# BLS footnote symbols, kept as they are published instead of being turned into numbers.
SPECIAL_VALUES = {
    "#": "at or above the top of the published range ($115.00 an hour, $239,200 a year)",
    "*": "not released (BLS could not produce a reliable estimate)",
    "**": "employment not released",
    "~": "fewer than 0.5 percent of establishments reported this occupation",
}

# BLS's own notes to its symbols, word for word as the "Field Descriptions" sheet of the May 2022, 2023 and 2024
# national files prints them; a release's notes are read from its workbook when it has that sheet (the .csv
# copies do not), else these apply. The May 2025 time series uses the same footnote for "#" (its code 5).
BLS_NOTES = {
    "*": "indicates that a wage estimate is not available",
    "**": "indicates that an employment estimate is not available",
    "#": "indicates a wage equal to or greater than $115.00 per hour or $239,200 per year",
    "~": "indicates that the percent of establishments reporting the occupation is less than 0.5%",
}
# BLS's descriptions of the ANNUAL and HOURLY flags (same sheet), for the sentence under a table.
ANNUAL_ONLY = (
    "BLS publishes annual wages only for this occupation: it releases only annual wages for some occupations that "
    "typically work fewer than 2,080 hours per year, but are paid on an annual basis, such as teachers, pilots, and "
    "athletes."
)
HOURLY_ONLY = (
    "BLS publishes hourly wages only for this occupation: it releases only hourly wages for some occupations that "
    "typically work fewer than 2,080 hours per year and are paid on an hourly basis, such as actors, dancers, and "
    "musicians and singers."
)
_TOP = re.compile(r"\$([\d,]+\.\d\d) per hour or \$([\d,]+) per year")

# The numeric fields of an estimate, in the order of the BLS file layout.
ESTIMATE_FIELDS = (
    "employment",
    "employment_rse",
    "jobs_per_1000",
    "location_quotient",
    "hourly_mean",
    "annual_mean",
    "mean_rse",
    "hourly_p10",
    "hourly_p25",
    "hourly_median",
    "hourly_p75",
    "hourly_p90",
    "annual_p10",
    "annual_p25",
    "annual_median",
    "annual_p75",
    "annual_p90",
)


class ReleaseQuerySet(models.QuerySet["Release"]):
    def public(self) -> "ReleaseQuerySet":
        """The releases the site shows: every release but the staged ones."""
        return self.filter(staged=False)

    def current(self) -> "Release | None":
        """The release pages and the API show when none is asked for: the newest public one."""
        return self.public().order_by("-year").first()


class Release(models.Model):
    """One OEWS release, e.g. May 2025 (survey reference month May 2025).

    A release is public or staged. The newest public release is the current one (what pages and the API show by
    default); older public releases are the history. A staged release is loaded for checking (`?release=YEAR`)
    and shown nowhere else until `release_publish` makes it public; `release_rollback` stages the current release
    again, so the previous one is current again. Each change is recorded in `ReleaseChange`."""

    class Status(models.TextChoices):
        """What a release is to the site; only `staged` is stored, the rest follows from the years."""

        CURRENT = "current"
        RETIRED = "retired"  # public, older than the current release: part of the history
        STAGED = "staged"

    year = models.PositiveSmallIntegerField(primary_key=True, help_text="Reference year: 2025 for May 2025.")
    staged = models.BooleanField(
        default=False,
        help_text="Loaded for checking (?release=YEAR) but not shown by default; release_publish makes it public.",
    )
    published = models.DateField(null=True, blank=True, help_text="Date BLS published the release.")
    notes = models.JSONField(default=dict, blank=True, help_text="BLS symbol -> BLS's note to it, for this release.")
    highest_annual = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The highest annual wage percentile the release publishes as a number (set on import).",
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name

    def status(self, current_year: int | None) -> "Release.Status":
        if self.staged:
            return Release.Status.STAGED
        return Release.Status.CURRENT if self.year == current_year else Release.Status.RETIRED

    @property
    def name(self) -> str:
        return f"May {self.year}"

    @property
    def citation(self) -> str:
        return f"U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, {self.name}"

    def note(self, symbol: str) -> str:
        """BLS's note to a symbol in this release, word for word."""
        return (self.notes or {}).get(symbol) or BLS_NOTES.get(symbol, "")

    @property
    def top(self) -> tuple[Decimal, int] | None:
        """(hourly, annual) top of the published range that "#" stands for, as the release's note states it."""
        match = _TOP.search(self.note("#"))
        return (Decimal(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))) if match else None

    @property
    def top_is_ceiling(self) -> bool:
        """Whether "#" can be read as "this much or more": not when the release publishes larger wages elsewhere
        (May 2025 publishes wages far above $239,200 and still marks some cells "#")."""
        top = self.top
        return top is not None and (self.highest_annual is None or self.highest_annual <= top[1])


class ReleaseChange(models.Model):
    """Who made a release staged or public, and when: one row per load, publish and rollback."""

    class Action(models.TextChoices):
        STAGED = "staged", "loaded as staged"
        PUBLISHED = "published"
        ROLLED_BACK = "rolled back"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.CharField(max_length=200, help_text="Who: the person named to the command, else the system user.")
    holder = models.CharField(max_length=200, blank=True, help_text="host:process that made the change.")
    note = models.CharField(max_length=500, blank=True, help_text="e.g. which release became current.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"May {self.release_id} {self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Figure:
    """One published OEWS value: a number, or the BLS symbol that stands in its place, with its unit ("year",
    "hour", or "" for counts and percents) and, for "#", the ceiling it means when the release uses it as one."""

    value: Decimal | int | None
    special: str = ""
    unit: str = ""
    ceiling: Decimal | int | None = None

    @property
    def note(self) -> str:
        return SPECIAL_VALUES.get(self.special, "")

    @property
    def published(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        """As a person reads it: "$135,980", "$29.05", "$239,200 or more", "Not published for this area"."""
        if self.special == "#":
            return (
                f"{money(self.ceiling, self.unit)} or more"
                if self.ceiling is not None
                else "Not published for this area"
            )
        if self.special or self.value is None:
            return "Not published"
        return money(self.value, self.unit) if self.unit else f"{int(self.value):,}"


def money(value: Decimal | int | None, unit: str) -> str:
    """$135,980 a year is written without cents, $29.05 an hour with them."""
    if value is None:
        return "Not published"
    return f"${int(value):,}" if unit == "year" else f"${Decimal(value):,.2f}"


class WageEstimate(models.Model):
    """OEWS cross-industry estimate for one occupation in one area in one release.

    A value BLS did not publish as a number is NULL here, and `special` maps the field name to the
    BLS symbol (`#`, `*`, `**`, `~`) shown in its place. `annual_only` / `hourly_only` mirror the
    BLS ANNUAL / HOURLY flags.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="estimates")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="estimates")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="wage_estimates")
    employment = models.PositiveIntegerField(null=True)
    employment_rse = models.DecimalField(max_digits=5, decimal_places=1, null=True, help_text="Percent.")
    jobs_per_1000 = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    location_quotient = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    hourly_mean = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    annual_mean = models.PositiveIntegerField(null=True)
    mean_rse = models.DecimalField(max_digits=5, decimal_places=1, null=True, help_text="Percent.")
    hourly_p10 = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    hourly_p25 = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    hourly_p75 = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    hourly_p90 = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    annual_p10 = models.PositiveIntegerField(null=True)
    annual_p25 = models.PositiveIntegerField(null=True)
    annual_median = models.PositiveIntegerField(null=True)
    annual_p75 = models.PositiveIntegerField(null=True)
    annual_p90 = models.PositiveIntegerField(null=True)
    annual_only = models.BooleanField(default=False)
    hourly_only = models.BooleanField(default=False)
    special = models.JSONField(null=True, blank=True, help_text="Field name -> BLS symbol, where not a number.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "occupation", "area"], name="one_estimate_per_cell")]
        indexes = [models.Index(fields=["release", "area", "occupation"])]

    def __str__(self) -> str:
        return f"{self.occupation_id} in {self.area_id}, {self.release_id}"

    def figure(self, field: str, release: Release | None = None) -> Figure:
        """One field as a Figure; with the release, a "#" carries the ceiling it means (when it means one)."""
        if field not in ESTIMATE_FIELDS:
            raise ValueError(f"{field} is not an OEWS estimate field")
        special = (self.special or {}).get(field, "")
        unit = "year" if field.startswith("annual_") else "hour" if field.startswith("hourly_") else ""
        ceiling: Decimal | int | None = None
        if special == "#" and release is not None and release.top_is_ceiling and (top := release.top):
            ceiling = top[1] if unit == "year" else top[0]
        return Figure(getattr(self, field), special, unit, ceiling)

    @property
    def wage_unit(self) -> str:
        """The unit BLS publishes this occupation's wages in: "hour" for hourly-only occupations, else "year"."""
        return "hour" if self.hourly_only else "year"
