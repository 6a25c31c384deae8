"""People and organisations: accounts' kinds, the organisations employers post for, and API keys."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lib.markdown import render_markdown


class Organisation(models.Model):
    """An organisation that posts jobs: its members write postings for it (or its postings came from a feed).

    Its public page belongs to the job board (`ABSOLUTE_URL_OVERRIDES` in the settings points there)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    website = models.URLField(blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Headquarters, e.g. 'Austin, TX'.")
    description = models.TextField(
        blank=True, max_length=5_000, help_text="About the organisation, in Markdown (at most 5,000 characters)."
    )
    description_html = models.TextField(
        blank=True, editable=False, help_text="The description as safe HTML, rendered when it was saved."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def render_description(self) -> None:
        """Render the Markdown once, when it changes: pages show the stored HTML."""
        self.description_html = render_markdown(self.description)


class ApiKey(models.Model):
    """A key for the REST API. The key itself is shown once, when created; only its SHA-256 hash is kept.

    A key works while it is not revoked or expired, its owner is active and, for a key scoped to an organisation,
    still a member of it (losing either revokes the key). `scopes` says what it may do: `read`, and
    `postings:write` to change the organisation's postings."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        POSTINGS_WRITE = "postings:write", "Change the organisation's postings"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What the key is for, e.g. 'HR system'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="Public start of the key, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    employer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="The organisation whose postings the key may change through /api/v1/jobs.",
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Requests a minute; empty for the site default for keys."
    )
    scopes = models.CharField(
        max_length=100, default="read", help_text="Space-separated: read, postings:write (with an organisation)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until revoked.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def allows(self, scope: str) -> bool:
        return scope in self.scopes.split()


class Profile(models.Model):
    """What kind of user someone is. Staff are Django's `is_staff` users; the rest pick a kind at sign-up."""

    class Kind(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        EMPLOYER = "employer", "Employer member"
        EDITOR = "editor", "Editor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.CANDIDATE)
    employer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="The organisation an employer member posts for (one at a time).",
    )
    organisation_admin = models.BooleanField(
        default=False, help_text="Invites and removes the organisation's members (its creator is one)."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="employer") | models.Q(employer__isnull=True), name="profile_employer_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"


class Invitation(models.Model):
    """An invitation to join an organisation, for one email address: used once, until it expires or an
    organisation admin withdraws it. Only a hash of the link's token is kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    admin = models.BooleanField(default=False, help_text="The new member can invite and remove members too.")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
