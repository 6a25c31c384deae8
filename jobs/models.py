"""Employers and their job postings."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from roles.models import Role
from wages.models import Area

HOURS_A_YEAR = 2080  # BLS's annualisation of hourly wages
SEARCHED_FIELDS = {"title", "employer", "employer_id", "role", "role_id", "description"}


class Employer(models.Model):
    """An organisation that posts jobs (or whose postings were imported from a feed)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    website = models.URLField(blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Headquarters, e.g. 'Austin, TX'.")
    description = models.TextField(blank=True, help_text="About the organisation, in Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("jobs:employer", kwargs={"slug": self.slug})


class PostingQuerySet(models.QuerySet["Posting"]):
    def live(self) -> "PostingQuerySet":
        """Published and not past their expiry date."""
        return self.filter(status=Posting.Status.PUBLISHED, expires_at__gt=timezone.now())


class Posting(models.Model):
    """One job posting: written on the site or imported from a feed (then `external_id` identifies it)."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        CLOSED = "closed"
        EXPIRED = "expired"

    class Arrangement(models.TextChoices):
        ONSITE = "onsite", "On-site"
        HYBRID = "hybrid", "Hybrid"
        REMOTE = "remote", "Remote"

    class Period(models.TextChoices):
        HOUR = "hour"
        YEAR = "year"

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        INTERNSHIP = "internship", "Internship"
        VOLUNTEER = "volunteer", "Volunteer"
        OTHER = "other", "Other"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="postings")
    title = models.CharField(max_length=300)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings")
    location_text = models.CharField(max_length=200, blank=True, help_text="As written, e.g. 'Princeton, NJ'.")
    location_label = models.CharField(max_length=200, blank=True, help_text="As resolved.")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings")
    arrangement = models.CharField(max_length=6, choices=Arrangement.choices, default=Arrangement.ONSITE)
    salary_min = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    salary_period = models.CharField(max_length=4, choices=Period.choices, blank=True)
    annual_min = models.PositiveIntegerField(null=True, blank=True, help_text="Pay a year (hourly x 2,080).")
    annual_max = models.PositiveIntegerField(null=True, blank=True, help_text="Pay a year (hourly x 2,080).")
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    description = models.TextField(blank=True)
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    posted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    search_text = models.TextField(blank=True, editable=False, help_text="What full-text search reads (jobs.fulltext).")
    source = models.CharField(max_length=200, blank=True, help_text="Feed it came from, with its credit line.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "external_id"], condition=~models.Q(external_id=""), name="posting_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-posted_at"]),
            models.Index(fields=["role", "status", "-posted_at"]),
            models.Index(fields=["area", "status", "-posted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.employer}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.search_document()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"pk": self.pk, "slug": slugify(self.title)[:80] or "job"})

    def search_document(self) -> str:
        """Title, employer, role and description: the text that full-text search matches."""
        role = self.role.title if self.role_id and self.role else ""
        parts = [self.title, self.employer.name if self.employer_id else "", role, self.description]
        return "\n".join(part for part in parts if part)

    @property
    def annual_midpoint(self) -> int | None:
        values = [v for v in (self.annual_min, self.annual_max) if v is not None]
        return sum(values) // len(values) if values else None


def annualise(amount: Decimal | None, period: str) -> int | None:
    """Pay a year: hourly figures times 2,080 hours, as BLS annualises."""
    if amount is None:
        return None
    return int(amount * (HOURS_A_YEAR if period == Posting.Period.HOUR else 1))


class Candidate(models.Model):
    """A candidate's private profile. Nobody else ever sees it: only aggregate counts are shown."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate")
    desired_roles = models.ManyToManyField(Role, blank=True, related_name="candidates")
    location_text = models.CharField(max_length=200, blank=True)
    location_label = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    open_to_work = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Candidate profile of {self.user}"


class Counter(models.Model):
    """Named counters; "platform" goes up whenever postings or candidates change, so caches of pages that
    show the platform's own counts know when to refresh."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
