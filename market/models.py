"""Inputs for demand (BLS Employment Projections) and supply (CPS unemployment, IPEDS completions)."""

from django.db import models


class Projection(models.Model):
    """BLS Employment Projections for one National Employment Matrix line (employment in thousands)."""

    class Kind(models.TextChoices):
        SUMMARY = "summary"
        LINE_ITEM = "line_item", "Line item"

    period = models.CharField(max_length=9, help_text="e.g. 2024-34")
    code = models.CharField(max_length=7, help_text="NEM code; SOC 2018 for line items.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    employment_base = models.DecimalField(max_digits=9, decimal_places=1)
    employment_target = models.DecimalField(max_digits=9, decimal_places=1)
    change = models.DecimalField(max_digits=8, decimal_places=1)
    change_percent = models.DecimalField(max_digits=6, decimal_places=1)
    self_employed_percent = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    openings = models.DecimalField(max_digits=8, decimal_places=1, help_text="Annual average openings, thousands.")
    median_wage_text = models.CharField(max_length=20, blank=True, help_text="As published (OEWS May of base year).")
    entry_education = models.CharField(max_length=80, blank=True)
    work_experience = models.CharField(max_length=80, blank=True)
    job_training = models.CharField(max_length=80, blank=True)
    labor_force_exit_rate = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    transfer_rate = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    separations_rate = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    labor_force_exits = models.DecimalField(max_digits=8, decimal_places=1, null=True)
    transfers = models.DecimalField(max_digits=8, decimal_places=1, null=True)
    separations = models.DecimalField(max_digits=8, decimal_places=1, null=True)

    class Meta:
        ordering = ["period", "code"]
        constraints = [models.UniqueConstraint(fields=["period", "code"], name="projection_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title} ({self.period})"


class CensusOccupation(models.Model):
    """A Census 2018 occupation code (used by the CPS) and the SOC 2018 code or pattern it covers."""

    code = models.CharField(max_length=4, primary_key=True)
    title = models.CharField(max_length=200)
    soc_code = models.CharField(max_length=7, help_text="A SOC code, or a pattern like 15-124X / 13-20XX.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Unemployment(models.Model):
    """CPS annual-average unemployment for one occupation row of BLS table 25b (thousands)."""

    year = models.PositiveSmallIntegerField()
    source_row = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    level = models.CharField(max_length=10, help_text="total, group_1..3 or detailed.")
    census_occupation = models.ForeignKey(CensusOccupation, null=True, blank=True, on_delete=models.SET_NULL)
    unemployed = models.PositiveIntegerField(null=True, help_text="Thousands.")
    labor_force = models.PositiveIntegerField(null=True, help_text="Thousands.")
    unemployment_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, help_text="Percent.")

    class Meta:
        ordering = ["year", "source_row"]
        constraints = [models.UniqueConstraint(fields=["year", "source_row"], name="unemployment_unique")]


class Program(models.Model):
    """A CIP 2020 instructional program (6-digit codes and their 2- and 4-digit families)."""

    code = models.CharField(max_length=7, primary_key=True, help_text="e.g. 11.0701")
    title = models.CharField(max_length=300)
    action = models.CharField(
        max_length=40, blank=True, help_text="NCES change note; 'Deleted'/'Moved to' are not reportable."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgramOccupation(models.Model):
    """One CIP 2020 -> SOC 2018 link of the NCES/BLS crosswalk (unweighted, many to many)."""

    program_code = models.CharField(max_length=7, db_index=True)
    soc_code = models.CharField(max_length=7, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program_code", "soc_code"], name="program_occupation_unique")]


class Completions(models.Model):
    """IPEDS awards (first majors) in one program at one award level, nationally or in one state."""

    NATIONAL = "US"

    academic_year = models.CharField(max_length=7, help_text="e.g. 2023-24")
    state_abbr = models.CharField(max_length=2, help_text="'US' = 50 states + DC.")
    program_code = models.CharField(max_length=7)
    award_level = models.PositiveSmallIntegerField(help_text="IPEDS AWLEVEL code.")
    total = models.PositiveIntegerField()
    men = models.PositiveIntegerField()
    women = models.PositiveIntegerField()
    institutions = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "completions"
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "state_abbr", "program_code", "award_level"], name="completions_unique"
            )
        ]
        indexes = [models.Index(fields=["program_code", "academic_year", "state_abbr"])]


class Institution(models.Model):
    """A postsecondary institution of the IPEDS directory (HD file): where it is and its web address."""

    unitid = models.PositiveIntegerField(primary_key=True, help_text="IPEDS UNITID.")
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state_abbr = models.CharField(max_length=2)
    web_address = models.CharField(max_length=200, blank=True, help_text="WEBADDR as IPEDS gives it (no scheme).")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["unitid"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}, {self.state_abbr}"


class InstitutionCompletions(models.Model):
    """IPEDS awards (first majors) of one institution in one program at one award level, one academic year: only
    programs the CIP-SOC crosswalk links to an occupation, and only where awards were made."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="completions")
    academic_year = models.CharField(max_length=7, help_text="e.g. 2023-24")
    program_code = models.CharField(max_length=7, db_index=True)
    award_level = models.PositiveSmallIntegerField(help_text="IPEDS AWLEVEL code.")
    total = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "institution completions"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "academic_year", "program_code", "award_level"],
                name="institution_completions_unique",
            )
        ]


class OccupationProgrammes(models.Model):
    """Built at import (`market.programmes.occupation_programmes_build`): every institution whose programs prepare
    for one SOC 2018 occupation, largest first, as the role page's "Programmes near you" reads them."""

    soc_code = models.CharField(max_length=7, primary_key=True)
    academic_year = models.CharField(max_length=7)
    unitids = models.JSONField(help_text="The institutions' UNITIDs, most awards in these programs first.")
    totals = models.JSONField(help_text="Each one's awards in these programs, in the same order.")
    program_details = models.JSONField(
        help_text="CIP code -> [title, how many other occupations the crosswalk links it to], for its programs."
    )

    class Meta:
        verbose_name_plural = "occupation programmes"
