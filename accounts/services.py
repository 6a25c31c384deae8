"""Writes for people and organisations: organisations and their members, invitations, API keys."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ApiKey, Organisation, Profile
from accounts.permissions import profile_of
from sources import versions

KEY_PREFIX = "rs_"
# last_used_at is written at most this often, so busy keys do not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
INVITE_SALT = "rolescope.jobs.invite"
INVITE_DAYS = 7


class InviteError(Exception):
    """An invitation that cannot be used; the message says why."""


def unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "employer"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def organisation_create(*, user: User, name: str) -> Organisation:
    """A new organisation with `user` as its first member."""
    organisation = Organisation.objects.create(name=name.strip(), slug=unique_slug(name))
    Profile.objects.update_or_create(user=user, defaults={"kind": Profile.Kind.EMPLOYER, "employer": organisation})
    return organisation


def organisation_for_feed(name: str) -> Organisation:
    """The organisation a feed names (by its slug), created when it is new; feeds post for anyone they name."""
    slug = slugify(name)[:200] or "employer"
    return Organisation.objects.filter(slug=slug).first() or Organisation.objects.create(name=name, slug=slug)


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict[str, Any]) -> bool:
    """Save the profile fields in `data`. Returns whether the name changed."""
    # Compared with the stored name: a ModelForm has already copied its data onto `organisation`.
    stored = Organisation.objects.filter(pk=organisation.pk).values_list("name", flat=True).first()
    for name in ("name", "website", "location", "description"):
        setattr(organisation, name, data[name])
    organisation.save()
    return data["name"] != stored


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(profile__employer=organisation).order_by("username")


def invite_token(organisation: Organisation) -> str:
    """A link token that lets whoever opens it, signed in, join `organisation` (valid INVITE_DAYS days)."""
    return signing.TimestampSigner(salt=INVITE_SALT).sign(str(organisation.pk))


def invite_organisation(token: str) -> Organisation:
    try:
        pk = signing.TimestampSigner(salt=INVITE_SALT).unsign(token, max_age=timedelta(days=INVITE_DAYS))
    except signing.SignatureExpired:
        raise InviteError(f"This invitation has expired (they last {INVITE_DAYS} days); ask for a new one.") from None
    except signing.BadSignature:
        raise InviteError("This invitation link is not valid; check that it was copied whole.") from None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise InviteError("The organisation of this invitation no longer exists.")
    return organisation


@transaction.atomic
def organisation_join(*, user: User, organisation: Organisation) -> None:
    """Make `user` a member of `organisation`. Members of another organisation and editors cannot join."""
    profile = profile_of(user)
    if user.is_staff or (profile and profile.kind == Profile.Kind.EDITOR):
        raise InviteError("Editors and staff cannot join an organisation.")
    if profile and profile.employer_id and profile.employer_id != organisation.pk:
        raise InviteError("You are already a member of another organisation.")
    Profile.objects.update_or_create(user=user, defaults={"kind": Profile.Kind.EMPLOYER, "employer": organisation})
    versions.bump("access")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, user: User, name: str, rate_limit_per_minute: int | None = None, employer: Organisation | None = None
) -> tuple[ApiKey, str]:
    """Create a key for `user` (scoped to `employer`'s postings, for members). Returns the stored key and the
    plain key, which is never shown again."""
    public = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        user=user,
        name=name.strip() or "API key",
        prefix=f"{KEY_PREFIX}{public}",
        key_hash=_hash(plain),
        rate_limit_per_minute=rate_limit_per_minute,
        employer=employer,
    )
    versions.bump("access")
    return key, plain


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    versions.bump("access")  # every server stops accepting it within a second


@versions.memoized("API keys", maxsize=10_000, depends_on=("access",))
def _active_key(prefix: str) -> ApiKey | None:
    """The active key with `prefix`, kept in process memory until keys change (a busy key costs no query)."""
    return ApiKey.objects.select_related("user", "employer").filter(prefix=prefix, revoked_at__isnull=True).first()


def api_key_check(plain: str) -> ApiKey | None:
    """The active key matching `plain`, or None."""
    if not plain.startswith(KEY_PREFIX) or len(plain) > 200:
        return None
    key = _active_key(plain[: len(KEY_PREFIX) + 8])
    if key is None or not hmac.compare_digest(key.key_hash, _hash(plain)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # Only this column, so a concurrent revoke is never overwritten.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
