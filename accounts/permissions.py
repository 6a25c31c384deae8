"""Who may do what. One place for the rules, so the site, the API and the admin agree.

- Anonymous visitors read public pages and the API (rate limited).
- Candidates keep a private profile; nobody else sees it.
- Employer members act for their one organisation: its profile, its postings, its invitations and keys.
- Editors moderate every posting (see, edit, close), but post for no organisation.
- Staff (Django's `is_staff`) are editors and also use the admin.
"""

from django.contrib.auth.models import AnonymousUser, User

from accounts.models import Organisation, Profile


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


def organisation_of(user: User | AnonymousUser) -> Organisation | None:
    """The organisation `user` is an employer member of, if any."""
    profile = profile_of(user)
    return profile.employer if profile and profile.kind == Profile.Kind.EMPLOYER else None


def is_organisation_admin(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Admins of an organisation invite and remove its members."""
    profile = profile_of(user)
    return bool(profile and profile.employer_id == organisation.pk and profile.organisation_admin)
