"""Job postings (written here or imported from feeds) and candidates' private profiles."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation
from geo.models import Area
from roles.models import Role
from sources.models import ImportRun

HOURS_A_YEAR = 2080  # BLS's annualisation of hourly wages
# Pay a posting may state. The floor is the federal minimum wage (Fair Labor Standards Act, $7.25 an hour since
# July 24, 2009); a full-time job's yearly pay is at least that for 2,080 hours. Any yearly pay under $1,000 is
# taken for a slip ("95" meant $95,000, or $95 an hour). The ceilings refuse pay no job posts ($2,000,000 a year is
# over twice the highest 90th percentile BLS publishes for any occupation anywhere).
FEDERAL_MINIMUM_WAGE = Decimal("7.25")
MIN_YEARLY_FULL_TIME = FEDERAL_MINIMUM_WAGE * HOURS_A_YEAR  # $15,080
MIN_YEARLY = Decimal(1_000)
MAX_HOURLY = Decimal(1_000)
MAX_YEARLY = Decimal(2_000_000)


class PostingQuerySet(models.QuerySet["Posting"]):
    def live(self) -> "PostingQuerySet":
        """Published and not past their expiry date (`Posting.is_live`, as a query)."""
        return self.filter(status=Posting.Status.PUBLISHED, expires_at__gt=timezone.now())

    def visible_to(self, *, organisation: Organisation | None = None, editor: bool = False) -> "PostingQuerySet":
        """The postings someone may open: every one that is not a draft, and drafts only for their own
        organisation's members (and editors, who moderate every posting)."""
        if editor:
            return self
        drafts = models.Q(status=Posting.Status.DRAFT)
        if organisation is None:
            return self.exclude(drafts)
        return self.filter(~drafts | models.Q(employer=organisation))

    def managed_by(self, *, organisation: Organisation | None = None, editor: bool = False) -> "PostingQuerySet":
        """The postings someone may change: their organisation's, or every one for editors and staff."""
        if editor:
            return self
        return self.filter(employer=organisation) if organisation is not None else self.none()


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

    employer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="postings")
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
    description = models.TextField(blank=True, help_text="Markdown for postings written here; plain text from feeds.")
    description_html = models.TextField(
        blank=True, editable=False, help_text="The description as safe HTML, rendered when it was saved."
    )
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    posted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    search_text = models.TextField(
        blank=True, editable=False, help_text="What full-text search reads (jobs.fulltext); kept by posting_upsert."
    )
    source = models.CharField(max_length=200, blank=True, help_text="Feed it came from, with its credit line.")
    board = models.ForeignKey(
        "JobBoard", null=True, blank=True, on_delete=models.SET_NULL, related_name="postings",
        help_text="The job board it was last read from (jobs.boards), if any.",
    )  # fmt: skip
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="When its board was last read.")
    board_updated_at = models.DateTimeField(null=True, blank=True, help_text="When its board says it last changed.")
    board_digest = models.CharField(
        max_length=64, blank=True, editable=False,
        help_text="A digest of its board's row as last written: an unchanged row is not written again.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    views = models.PositiveIntegerField(
        default=0, editable=False, help_text="Times its page was opened (not by its organisation, not by robots)."
    )
    apply_clicks = models.PositiveIntegerField(
        default=0, editable=False, help_text="Times its Apply link was followed (through /jobs/<id>/apply)."
    )

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

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"pk": self.pk, "slug": slugify(self.title)[:80] or "job"})

    def search_document(self) -> str:
        """Title, employer, role and description: the text that full-text search matches."""
        role = self.role.title if self.role_id and self.role else ""
        parts = [self.title, self.employer.name if self.employer_id else "", role, self.description]
        return "\n".join(part for part in parts if part)

    @property
    def is_live(self) -> bool:
        """Published and not past its expiry date (`PostingQuerySet.live`, for one posting)."""
        return (
            self.status == Posting.Status.PUBLISHED and self.expires_at is not None and self.expires_at > timezone.now()
        )

    @property
    def annual_midpoint(self) -> int | None:
        values = [v for v in (self.annual_min, self.annual_max) if v is not None]
        return sum(values) // len(values) if values else None


def pay_problem(amount: Decimal, period: str, employment_type: str) -> str | None:
    """What is wrong with a pay figure, in words the writer can act on; None when it is a pay a job could post."""
    if period == Posting.Period.HOUR:
        if amount < FEDERAL_MINIMUM_WAGE:
            return f"Hourly pay must be at least the federal minimum wage, ${FEDERAL_MINIMUM_WAGE} an hour."
        if amount > MAX_HOURLY:
            return f"At most ${MAX_HOURLY:,} an hour: is this yearly pay?"
        return None
    if amount < MIN_YEARLY:
        return (
            f"${amount:,.0f} a year is too little for a yearly pay: if it is paid by the hour, choose per hour; "
            f"if it is in thousands, write it in full (${amount * 1000:,.0f})."
        )
    if amount < MIN_YEARLY_FULL_TIME and employment_type == Posting.EmploymentType.FULL_TIME:
        return (
            f"A full-time job's yearly pay must be at least ${MIN_YEARLY_FULL_TIME:,.0f}: the federal minimum wage, "
            f"${FEDERAL_MINIMUM_WAGE} an hour, for {HOURS_A_YEAR:,} hours."
        )
    if amount > MAX_YEARLY:
        return f"At most ${MAX_YEARLY:,.0f} a year: write the pay in dollars a year."
    return None


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
    # While open to work, a daily email of new postings for the desired roles in the place (jobs.services.alerts),
    # unless switched off here or by the email's unsubscribe link.
    job_alerts = models.BooleanField(default=True, help_text="Emails new postings for the desired roles, daily.")
    alerts_checked_until = models.DateTimeField(
        null=True, blank=True, help_text="New postings before this were looked at."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Candidate profile of {self.user}"


class FeedImport(models.Model):
    """A feed sent to `POST /api/v1/jobs/import`: kept until a worker has imported it (`jobs.tasks.feed_import_run`),
    then its report, which `GET /api/v1/jobs/imports/{id}` shows to the organisation."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="feed_imports")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_imports"
    )
    content_type = models.CharField(max_length=40, help_text="application/json or text/csv.")
    body = models.BinaryField(editable=False, help_text="The feed as sent; emptied once it is imported.")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker has started it.")
    received_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now, help_text="When a task was last sent for it.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last started it.")
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(null=True, blank=True)
    imported = models.PositiveIntegerField(null=True, blank=True)
    rejected = models.JSONField(default=list, blank=True, help_text="Each rejected row with its line and reason.")
    source = models.CharField(max_length=200, blank=True, help_text="The feed's layout, with its credit line.")
    error = models.TextField(blank=True, help_text="Why it failed (or why its last attempt did).")
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"Feed import {self.pk} for {self.organisation} ({self.status})"


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key`, and the answer it got, committed with the write itself: a retry with
    the same key gets this answer again instead of writing twice. Kept at least a day (`jobs.tasks`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path, content type and body.")
    status_code = models.PositiveSmallIntegerField(default=0, help_text="0 only inside the write's transaction.")
    body = models.TextField(blank=True, help_text="The answer's JSON, as sent.")
    location = models.CharField(max_length=200, blank=True, help_text="The answer's Location header.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_per_organisation")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"


class JobBoard(models.Model):
    """An organisation's public job board (Greenhouse, Lever, Ashby, SmartRecruiters, a USAJOBS search or a careers
    page with schema.org JobPosting), configured once and read again on the scheduler (`jobs.services.boards`)."""

    class Kind(models.TextChoices):
        GREENHOUSE = "greenhouse", "Greenhouse"
        LEVER = "lever", "Lever"
        ASHBY = "ashby", "Ashby"
        SMARTRECRUITERS = "smartrecruiters", "SmartRecruiters"
        USAJOBS = "usajobs", "USAJOBS search"
        JSONLD = "jsonld", "Careers page or sitemap (schema.org JobPosting)"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="job_boards")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    token = models.CharField(
        max_length=200, blank=True, help_text="The board's name in its system (e.g. the Greenhouse board token)."
    )
    url = models.URLField(max_length=500, blank=True, help_text="Or the address to read (careers page, sitemap).")
    active = models.BooleanField(default=True, help_text="Read again on the scheduler.")
    created_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="When it was last read.")
    succeeded = models.BooleanField(null=True, help_text="Whether the last read succeeded.")
    imported = models.PositiveIntegerField(null=True, blank=True, help_text="Postings written at the last read.")
    closed = models.PositiveIntegerField(null=True, blank=True, help_text="Postings closed: they left the board.")
    rejected = models.JSONField(default=list, blank=True, help_text="Each rejected posting with its reason.")
    error = models.TextField(blank=True, help_text="Why the last read failed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "token", "url"], name="job_board_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.token or self.url} for {self.organisation}"


class SavedSearch(models.Model):
    """A /jobs/ search someone saved (`query`, as `jobs.search.saved_query` keeps it), with the alerts it sends: new
    matches by email daily or as they are published, and an Atom feed. `checked_until`: postings live on the site
    before this were looked at for it already (`jobs.services.alerts`); each one mailed is an `AlertDelivery`."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily digest"
        INSTANT = "instant", "As soon as they are published"
        OFF = "off", "No email"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=120)
    query = models.CharField(max_length=1000, blank=True, help_text="The /jobs/ query string, as saved_query keeps it.")
    frequency = models.CharField(max_length=7, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(default=timezone.now)
    checked_until = models.DateTimeField(default=timezone.now, help_text="New postings before this were looked at.")
    last_sent_at = models.DateTimeField(null=True, blank=True, help_text="When its last email went.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "query"], name="saved_search_once_per_owner")]
        indexes = [models.Index(fields=["frequency", "checked_until"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:list") + (f"?{self.query}" if self.query else "")


class AlertDelivery(models.Model):
    """A posting mailed to someone in an alert: a posting goes to a person at most once, whichever of their saved
    searches (or their open-to-work digest, `saved_search` empty) found it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="+")
    saved_search = models.ForeignKey(SavedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "posting"], name="alert_posting_once_per_user")]

    def __str__(self) -> str:
        return f"{self.posting_id} to {self.user_id}"


class WebhookEndpoint(models.Model):
    """An address of an organisation's own system that is told when its postings are published, updated or closed
    (`jobs.services.webhooks`). Each delivery is signed with the endpoint's secret."""

    class Event(models.TextChoices):
        PUBLISHED = "posting.published", "posting.published"
        UPDATED = "posting.updated", "posting.updated"
        CLOSED = "posting.closed", "posting.closed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500, help_text="Where events are sent (POST, JSON).")
    secret = models.CharField(max_length=100, editable=False, help_text="Signs each delivery (HMAC-SHA256).")
    events = models.JSONField(default=list, help_text="The events sent to it; every event when empty.")
    active = models.BooleanField(default=True, help_text="Paused endpoints are sent no new events.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} for {self.organisation}"

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction of the change it reports and sent by the worker
    after the commit (`jobs.tasks.webhook_deliver_many`), tried again with a growing wait until it succeeds or has been
    tried WEBHOOK_MAX_ATTEMPTS times."""

    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for its next attempt
        SENDING = "sending"  # an attempt has it (until `next_attempt_at`, when a lost attempt is tried again)
        DELIVERED = "delivered"
        FAILED = "failed"  # every attempt failed, or the endpoint was removed

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField(help_text="The event as sent (the body is this, as JSON).")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The last answer's status.")
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint.url} ({self.status})"
