"""Personas for tests: one person of each kind, with what each may do written down (after healthchecks'
`hc/test.py`). Tests use them through the `personas` fixture (root conftest.py) or the helpers below.

- anonymous: reads public pages and the API (anonymous rate); sees no draft; cannot post or open /accounts/.
- candidate (cara): keeps a private candidate profile that nobody else sees; cannot post.
- member (ada, of Acme Robotics): writes, publishes, closes and renews Acme's postings; sees Acme's drafts;
  edits Acme's profile; invites colleagues; creates keys that act for Acme. Nothing of any other organisation.
- other member (gus, of Globex): the same for Globex, and nothing of Acme's.
- editor (eddie): moderates every posting (sees drafts, edits, closes); posts for no organisation.
- staff (sam): what an editor may do, and the admin.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Organisation, Profile
from accounts.services import organisation_create

PASSWORD = "a long and unusual passphrase"


def member(username: str, organisation: str) -> User:
    """An employer member of a new organisation called `organisation`."""
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    organisation_create(user=user, name=organisation)
    return user


def candidate(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    Profile.objects.create(user=user, kind=Profile.Kind.CANDIDATE)
    return user


def editor(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    Profile.objects.create(user=user, kind=Profile.Kind.EDITOR)
    return user


def staff(username: str) -> User:
    return User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Personas:
    candidate: User
    member: User
    other_member: User
    editor: User
    staff: User

    @property
    def organisation(self) -> Organisation:
        return self.member.profile.employer  # type: ignore[return-value]

    @property
    def other_organisation(self) -> Organisation:
        return self.other_member.profile.employer  # type: ignore[return-value]

    def client(self, who: str) -> Client:
        """A client signed in as the persona named `who` ("anonymous" is signed out)."""
        return Client() if who == "anonymous" else signed_in(getattr(self, who))


def make_personas() -> Personas:
    return Personas(
        candidate=candidate("cara"),
        member=member("ada", "Acme Robotics"),
        other_member=member("gus", "Globex"),
        editor=editor("eddie"),
        staff=staff("sam"),
    )
