"""Writes for postings, organisations and candidate profiles, and who may make them."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Profile
from jobs.models import Candidate, Employer, Posting, annualise
from jobs.platform import platform_changed

INVITE_SALT = "rolescope.jobs.invite"
INVITE_DAYS = 7


class InviteError(Exception):
    """An invitation that cannot be used; the message says why."""


def lifetime() -> timedelta:
    return timedelta(days=settings.POSTING_LIFETIME_DAYS)


def profile_of(user: User | AnonymousUser) -> Profile | None:
    if not user.is_authenticated:
        return None
    assert isinstance(user, User)
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def is_editor(user: User | AnonymousUser) -> bool:
    """Staff and editors moderate every posting."""
    profile = profile_of(user)
    return bool(user.is_authenticated and (user.is_staff or (profile and profile.kind == Profile.Kind.EDITOR)))


def employer_of(user: User | AnonymousUser) -> Employer | None:
    profile = profile_of(user)
    return profile.employer if profile and profile.kind == Profile.Kind.EMPLOYER else None


def manageable_postings(user: User | AnonymousUser) -> QuerySet[Posting]:
    """The postings `user` may change: their organisation's, or every one for editors and staff."""
    if is_editor(user):
        return Posting.objects.all()
    employer = employer_of(user)
    return Posting.objects.filter(employer=employer) if employer else Posting.objects.none()


def unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "employer"
    slug, number = base, 1
    while Employer.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def employer_create(*, user: User, name: str) -> Employer:
    """A new organisation with `user` as its first member."""
    employer = Employer.objects.create(name=name.strip(), slug=unique_slug(name))
    Profile.objects.update_or_create(user=user, defaults={"kind": Profile.Kind.EMPLOYER, "employer": employer})
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, data: dict[str, Any]) -> Employer:
    # Compared with the stored name: a ModelForm has already copied its data onto `employer`.
    renamed = data["name"] != Employer.objects.filter(pk=employer.pk).values_list("name", flat=True).first()
    for name in ("name", "website", "location", "description"):
        setattr(employer, name, data[name])
    employer.save()
    if renamed:  # the employer's name is part of every posting's search text
        for posting in employer.postings.select_related("employer", "role"):
            posting.save(update_fields=["search_text"])  # save() recomputes it
    return employer


@transaction.atomic
def posting_write(
    *, posting: Posting, data: dict[str, Any], user: User | None = None, publish: bool = False
) -> Posting:
    """Create or update a posting from a PostingForm's cleaned data; `publish` also publishes it."""
    place = data.get("location")
    posting.title = data["title"]
    posting.role = data.get("role")
    posting.location_text = place.query if place else ""
    posting.location_label = place.label if place else ""
    posting.area = place.area if place else None
    posting.arrangement = data["arrangement"]
    posting.employment_type = data["employment_type"]
    posting.salary_min, posting.salary_max = data.get("salary_min"), data.get("salary_max")
    posting.salary_period = data.get("salary_period") or ""
    posting.annual_min = annualise(posting.salary_min, posting.salary_period)
    posting.annual_max = annualise(posting.salary_max, posting.salary_period)
    posting.description = data.get("description", "")
    posting.apply_url = data.get("apply_url", "")
    posting.apply_email = data.get("apply_email", "")
    if posting.pk is None and user is not None:
        posting.created_by = user
    posting.save()
    if publish and posting.status != Posting.Status.PUBLISHED:
        posting_publish(posting=posting)
    return posting


def posting_publish(*, posting: Posting) -> Posting:
    """Publish a draft, or republish a closed or expired posting, for a fresh lifetime if it has run out."""
    now = timezone.now()
    if posting.status == Posting.Status.DRAFT or posting.posted_at is None:
        posting.posted_at = now
    if posting.expires_at is None or posting.expires_at <= now or posting.status == Posting.Status.DRAFT:
        posting.expires_at = now + lifetime()
    posting.status = Posting.Status.PUBLISHED
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])
    return posting


def posting_close(*, posting: Posting) -> Posting:
    """Take a posting down (it stays visible, marked closed, to people with its link)."""
    if posting.status != Posting.Status.CLOSED:
        posting.status = Posting.Status.CLOSED
        posting.save(update_fields=["status", "updated_at"])
    return posting


def posting_renew(*, posting: Posting) -> Posting:
    """Another full lifetime from today; a closed or expired posting is published again."""
    posting.expires_at = timezone.now() + lifetime()
    posting.status = Posting.Status.PUBLISHED
    if posting.posted_at is None:
        posting.posted_at = timezone.now()
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])
    return posting


@transaction.atomic
def candidate_save(*, user: User, data: dict[str, Any]) -> Candidate:
    candidate, _ = Candidate.objects.get_or_create(user=user)
    place = data.get("location")
    candidate.location_text = place.query if place else ""
    candidate.location_label = place.label if place else ""
    candidate.area = place.area if place else None
    candidate.open_to_work = bool(data.get("open_to_work"))
    candidate.save()
    candidate.desired_roles.set(data.get("desired_roles", []))
    return candidate


@transaction.atomic
def postings_expire() -> int:
    """Expire every published posting past its date. Returns how many changed; a second run changes none."""
    changed = Posting.objects.filter(status=Posting.Status.PUBLISHED, expires_at__lte=timezone.now()).update(
        status=Posting.Status.EXPIRED, updated_at=timezone.now()
    )
    if changed:
        platform_changed()
    return changed


def invite_token(employer: Employer) -> str:
    """A link token that lets whoever opens it, signed in, join `employer` (valid INVITE_DAYS days)."""
    return signing.TimestampSigner(salt=INVITE_SALT).sign(str(employer.pk))


def invite_employer(token: str) -> Employer:
    try:
        pk = signing.TimestampSigner(salt=INVITE_SALT).unsign(token, max_age=timedelta(days=INVITE_DAYS))
    except signing.SignatureExpired:
        raise InviteError(f"This invitation has expired (they last {INVITE_DAYS} days); ask for a new one.") from None
    except signing.BadSignature:
        raise InviteError("This invitation link is not valid; check that it was copied whole.") from None
    employer = Employer.objects.filter(pk=pk).first()
    if employer is None:
        raise InviteError("The organisation of this invitation no longer exists.")
    return employer


@transaction.atomic
def employer_join(*, user: User, employer: Employer) -> None:
    """Make `user` a member of `employer`. Members of another organisation and editors cannot join."""
    profile = profile_of(user)
    if user.is_staff or (profile and profile.kind == Profile.Kind.EDITOR):
        raise InviteError("Editors and staff cannot join an organisation.")
    if profile and profile.employer_id and profile.employer_id != employer.pk:
        raise InviteError("You are already a member of another organisation.")
    Profile.objects.update_or_create(user=user, defaults={"kind": Profile.Kind.EMPLOYER, "employer": employer})
