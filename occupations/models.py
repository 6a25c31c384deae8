"""SOC 2018 occupations and the O*NET description of each (tasks, skills, technology, job zones...)."""

import re

from django.db import models


class Occupation(models.Model):
    """A SOC 2018 code at any level (total, major, minor, broad, detailed), as BLS publishes it."""

    class Level(models.TextChoices):
        TOTAL = "total"
        MAJOR = "major"
        MINOR = "minor"
        BROAD = "broad"
        DETAILED = "detailed"

    code = models.CharField(max_length=7, primary_key=True, help_text="SOC code, e.g. 15-1252.")
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class JobZone(models.Model):
    """O*NET Job Zone reference text: how much preparation occupations in a zone need."""

    zone = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    experience = models.TextField()
    education = models.TextField()
    job_training = models.TextField()
    examples = models.TextField()
    svp_range = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.name

    @property
    def svp_time(self) -> str:
        """The preparation time the zone's SVP range stands for. SVP (Specific Vocational Preparation) is a level
        on the scale of the Dictionary of Occupational Titles (Appendix C), not a number of years: level 4 is over
        3 months up to 6 months, 7 over 2 years up to 4 years. O*NET gives each zone a range of levels."""
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", self.svp_range)]
        if not numbers:
            return ""
        low = numbers[0]
        if "below" in self.svp_range.lower():
            return f"up to {SVP_TIME[int(low) - 1][1]}"
        if len(numbers) == 1:  # "(8.0 and above)"
            return f"over {SVP_TIME[int(low)][0]}"
        return f"over {SVP_TIME[int(low)][0]}, up to {SVP_TIME[int(numbers[1]) - 1][1]}"


# SVP level -> (more than, up to and including): Dictionary of Occupational Titles, 4th edition, Appendix C.
SVP_TIME = {
    1: ("nothing", "a short demonstration"),
    2: ("a short demonstration", "1 month"),
    3: ("1 month", "3 months"),
    4: ("3 months", "6 months"),
    5: ("6 months", "1 year"),
    6: ("1 year", "2 years"),
    7: ("2 years", "4 years"),
    8: ("4 years", "10 years"),
    9: ("10 years", "more"),
}


class OnetOccupation(models.Model):
    """An O*NET-SOC occupation (e.g. 15-1252.00), the unit O*NET describes."""

    code = models.CharField(max_length=10, primary_key=True)
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="onet_occupations")
    title = models.CharField(max_length=200)
    description = models.TextField()
    job_zone = models.ForeignKey(JobZone, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Element(models.Model):
    """An O*NET content model element (a skill, a knowledge area, an interest, an education scale...)."""

    id = models.CharField(max_length=20, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """An O*NET task statement of one occupation."""

    class Kind(models.TextChoices):
        CORE = "core"
        SUPPLEMENTAL = "supplemental"
        UNRATED = "", "Not rated"

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="tasks")
    task_id = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=12, choices=Kind.choices, blank=True)
    incumbents_responding = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["onet", "kind", "task_id"]
        constraints = [models.UniqueConstraint(fields=["onet", "task_id"], name="task_unique_per_occupation")]


class Rating(models.Model):
    """Importance (1-5) and level (0-7) of one skill or knowledge element for one occupation."""

    class Domain(models.TextChoices):
        SKILL = "skill"
        KNOWLEDGE = "knowledge"

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="ratings")
    element = models.ForeignKey(Element, on_delete=models.PROTECT)
    domain = models.CharField(max_length=10, choices=Domain.choices)
    importance = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    level = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    level_suppressed = models.BooleanField(default=False, help_text="O*NET recommends suppressing the level.")
    not_relevant = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["onet", "domain", "-importance"])]
        constraints = [models.UniqueConstraint(fields=["onet", "element"], name="rating_unique")]


class TechnologySkill(models.Model):
    """Software or technology used in an occupation, with O*NET's Hot Technology and In Demand flags."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="technology_skills")
    example = models.CharField(max_length=300)
    commodity_code = models.PositiveIntegerField()
    commodity_title = models.CharField(max_length=200)
    hot = models.BooleanField()
    in_demand = models.BooleanField()

    class Meta:
        ordering = ["onet", "-hot", "-in_demand", "example"]
        indexes = [models.Index(fields=["onet", "commodity_title"])]


class Tool(models.Model):
    """A tool or piece of equipment used in an occupation."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="tools")
    example = models.CharField(max_length=300)
    commodity_code = models.PositiveIntegerField()
    commodity_title = models.CharField(max_length=200)

    class Meta:
        ordering = ["onet", "example"]


class AlternateTitle(models.Model):
    """Another name for an occupation (O*NET Alternate Titles)."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="alternate_titles")
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["title"])]


class ReportedTitle(models.Model):
    """A job title reported by incumbents (O*NET Sample of Reported Titles)."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="reported_titles")
    title = models.CharField(max_length=300)
    shown_in_my_next_move = models.BooleanField()


class EducationCategory(models.Model):
    """A category of an O*NET education, training or experience scale (e.g. RL 6 = Bachelor's degree)."""

    element = models.ForeignKey(Element, on_delete=models.PROTECT)
    scale = models.CharField(max_length=3, help_text="RL education, RW related work, PT on-site, OJ on the job.")
    category = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["element", "scale", "category"]
        constraints = [models.UniqueConstraint(fields=["scale", "category"], name="education_category_unique")]


class EducationShare(models.Model):
    """Percent of respondents in one education/training/experience category for one occupation."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="education_shares")
    category = models.ForeignKey(EducationCategory, on_delete=models.CASCADE)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    suppressed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["onet", "category"], name="education_share_unique")]


class RelatedOccupation(models.Model):
    """O*NET's ranked list of occupations related to another."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="related")
    related = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(max_length=20)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["onet", "rank"]


class Interest(models.Model):
    """RIASEC interest profile value (occupational interest, 1-7) of an occupation."""

    onet = models.ForeignKey(OnetOccupation, on_delete=models.CASCADE, related_name="interests")
    element = models.ForeignKey(Element, on_delete=models.PROTECT)
    value = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["onet", "element"], name="interest_unique")]
