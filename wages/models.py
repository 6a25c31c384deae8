"""BLS Occupational Employment and Wage Statistics (OEWS): releases, areas and estimates."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from geo.models import Area
from occupations.models import Occupation

# BLS footnote symbols, kept as they are published instead of being turned into numbers.
SPECIAL_VALUES = {
    "#": "at or above the top of the published range ($115.00 an hour, $239,200 a year)",
    "*": "not released (BLS could not produce a reliable estimate)",
    "**": "employment not released",
    "~": "fewer than 0.5 percent of establishments reported this occupation",
}

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


class Release(models.Model):
    """One OEWS release, e.g. May 2025 (survey reference month May 2025)."""

    year = models.PositiveSmallIntegerField(primary_key=True, help_text="Reference year: 2025 for May 2025.")
    published = models.DateField(null=True, blank=True, help_text="Date BLS published the release.")

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"May {self.year}"

    @property
    def citation(self) -> str:
        return f"U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, {self.name}"


@dataclass(frozen=True)
class Figure:
    """One published OEWS value: a number, or the BLS symbol that stands in its place."""

    value: Decimal | int | None
    special: str = ""

    @property
    def note(self) -> str:
        return SPECIAL_VALUES.get(self.special, "")


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

    def figure(self, field: str) -> Figure:
        if field not in ESTIMATE_FIELDS:
            raise ValueError(f"{field} is not an OEWS estimate field")
        return Figure(getattr(self, field), (self.special or {}).get(field, ""))
