"""Writes for people and organisations: organisations and their members, invitations, API keys."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ApiKey, Invitation, Organisation, Profile
from accounts.permissions import is_editor, is_organisation_admin, organisation_of, profile_of
from sources import versions

KEY_PREFIX = "rs_"
# last_used_at is written at most this often, so busy keys do not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
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
    Profile.objects.update_or_create(
        user=user, defaults={"kind": Profile.Kind.EMPLOYER, "employer": organisation, "organisation_admin": True}
    )
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
    organisation.render_description()
    organisation.save()
    return data["name"] != stored


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(profile__employer=organisation).order_by("username")


class MembershipError(Exception):
    """A change to an organisation's members that is not allowed; the message says why."""


def invitation_create(
    *, organisation: Organisation, email: str, invited_by: User, admin: bool = False
) -> tuple[Invitation, str]:
    """An invitation for `email` to join `organisation`, and the token of its link (shown and sent once; only
    its hash is kept). Only the organisation's admins invite."""
    if not is_organisation_admin(invited_by, organisation):
        raise MembershipError("Only the organisation's admins can invite colleagues.")
    email = email.strip().lower()
    if organisation_members(organisation).filter(email__iexact=email).exists():
        raise MembershipError(f"{email} is already a member of {organisation.name}.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        admin=admin,
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITE_DAYS),
    )
    return invitation, token


def invitation_for(token: str) -> Invitation:
    """The pending invitation a link's token opens, or an InviteError that says why not."""
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=_hash(token[:100])).first()
    if invitation is None:
        raise InviteError("This invitation link is not valid; check that it was copied whole.")
    if invitation.accepted_at is not None:
        raise InviteError("This invitation has been used; ask for a new one.")
    if invitation.revoked_at is not None:
        raise InviteError("This invitation was withdrawn; ask for a new one.")
    if invitation.expires_at <= timezone.now():
        raise InviteError(f"This invitation has expired (they last {INVITE_DAYS} days); ask for a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Organisation:
    """Join the organisation of the invitation `token` opens: once, for the address it was sent to."""
    invitation = invitation_for(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # accepted by another request meanwhile
        raise InviteError("This invitation has been used; ask for a new one.")
    if user.email.strip().lower() != invitation.email:
        raise InviteError(f"This invitation is for {invitation.email}; sign in with the account that has that address.")
    organisation_join(user=user, organisation=invitation.organisation, admin=invitation.admin)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation.organisation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, acting_user: User) -> None:
    if not is_organisation_admin(acting_user, invitation.organisation):
        raise MembershipError("Only the organisation's admins can withdraw invitations.")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def organisation_join(*, user: User, organisation: Organisation, admin: bool = False) -> None:
    """Make `user` a member of `organisation`. Members of another organisation and editors cannot join."""
    profile = profile_of(user)
    if user.is_staff or (profile and profile.kind == Profile.Kind.EDITOR):
        raise InviteError("Editors and staff cannot join an organisation.")
    if profile and profile.employer_id and profile.employer_id != organisation.pk:
        raise InviteError("You are already a member of another organisation.")
    Profile.objects.update_or_create(
        user=user,
        defaults={"kind": Profile.Kind.EMPLOYER, "employer": organisation, "organisation_admin": admin},
    )
    versions.bump("access")


@transaction.atomic
def member_remove(*, organisation: Organisation, member: User, acting_user: User) -> None:
    """Take `member` out of `organisation`: their keys for it are revoked at once, on every server. Admins remove
    members; anyone may leave; the last admin may not."""
    if member != acting_user and not is_organisation_admin(acting_user, organisation):
        raise MembershipError("Only the organisation's admins can remove members.")
    profile = Profile.objects.select_for_update().filter(user=member, employer=organisation).first()
    if profile is None:
        raise MembershipError(f"{member.username} is not a member of {organisation.name}.")
    admins = Profile.objects.filter(employer=organisation, organisation_admin=True).exclude(user=member)
    if profile.organisation_admin and not admins.exists():
        raise MembershipError(f"{organisation.name} needs another admin before its last one leaves.")
    profile.kind, profile.employer, profile.organisation_admin = Profile.Kind.CANDIDATE, None, False
    profile.save(update_fields=["kind", "employer", "organisation_admin"])
    _revoke_keys(ApiKey.objects.filter(user=member, employer=organisation))


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Close an account: it can no longer sign in, and every key it made stops working at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    _revoke_keys(ApiKey.objects.filter(user=user))


def _revoke_keys(keys: QuerySet[ApiKey]) -> None:
    keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    versions.bump("access")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    user: User,
    name: str,
    rate_limit_per_minute: int | None = None,
    employer: Organisation | None = None,
    scopes: tuple[str, ...] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for `user` (scoped to `employer`'s postings, for members). Returns the stored key and the
    plain key, which is never shown again. By default a member's key may read and change the organisation's
    postings, anyone else's may read."""
    may_write = employer is not None or is_editor(user)
    if scopes is None:
        scopes = (ApiKey.Scope.READ, ApiKey.Scope.POSTINGS_WRITE) if may_write else (ApiKey.Scope.READ,)
    if ApiKey.Scope.POSTINGS_WRITE in scopes and not may_write:
        raise ValueError("Only an organisation's members and editors have keys that change postings.")
    public = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        user=user,
        name=name.strip() or "API key",
        prefix=f"{KEY_PREFIX}{public}",
        key_hash=_hash(plain),
        rate_limit_per_minute=rate_limit_per_minute,
        employer=employer,
        scopes=" ".join(dict.fromkeys(ApiKey.Scope(scope).value for scope in scopes)),
        expires_at=expires_at,
    )
    versions.bump("access")
    return key, plain


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    versions.bump("access")  # every server stops accepting it within a second


@versions.memoized("API keys", maxsize=10_000, depends_on=("access",), ttl=30)
def _active_key(prefix: str) -> ApiKey | None:
    """The key with `prefix` that may be used (not revoked, its owner active and, for an organisation's key, still
    a member), kept in process memory until keys, memberships or accounts change: a busy key costs no query."""
    key = (
        ApiKey.objects.select_related("user__profile", "employer")
        .filter(prefix=prefix, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if key is None or (key.employer_id is not None and organisation_of(key.user) != key.employer):
        return None
    return key


def api_key_check(plain: str) -> ApiKey | None:
    """The usable key matching `plain`, or None."""
    if not plain.startswith(KEY_PREFIX) or len(plain) > 200:
        return None
    key = _active_key(plain[: len(KEY_PREFIX) + 8])
    if key is None or not key.is_active or not hmac.compare_digest(key.key_hash, _hash(plain)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # Only this column, so a concurrent revoke is never overwritten.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
