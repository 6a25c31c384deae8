"""Keys end with their owner's access; invitations are for one address, used once, withdrawable; admins remove
members (audit D3, D5)."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import ApiKey, Invitation
from accounts.services import api_key_create, user_deactivate
from accounts.testing import PASSWORD, candidate, member, signed_in

pytestmark = pytest.mark.django_db

JOB = {"title": "Back-End Developer", "location": "Austin, TX", "apply_url": "https://acme.example/apply"}


def publish(key: str):
    return Client().post("/api/v1/jobs", data=json.dumps(JOB), content_type="application/json", HTTP_X_API_KEY=key)


def invite(client: Client, email: str, **extra) -> str:
    page = client.post("/accounts/organisation/", {"email": email, **extra}).content.decode()
    found = re.search(r'id="invite-link" type="text" readonly value="http://testserver([^"]+)"', page)
    assert found, "the members page shows the new invitation's link"
    return found.group(1)


@pytest.fixture
def acme():
    return member("ada", "Acme Robotics")


def join(user: User, inviter: Client) -> None:
    assert signed_in(user).post(invite(inviter, user.email)).status_code == 302


def test_d3_a_removed_members_key_stops_at_once(acme):
    colleague = candidate("cole")
    join(colleague, signed_in(acme))
    colleague = User.objects.get(pk=colleague.pk)
    _, key = api_key_create(user=colleague, name="HR", employer=colleague.profile.employer)
    assert publish(key).status_code == 201
    removed = signed_in(acme).post(f"/accounts/organisation/members/{colleague.pk}/remove/")
    assert removed.status_code == 302
    refused = publish(key)
    assert refused.status_code == 401 and "not valid or has been revoked" in refused.json()["detail"]
    assert ApiKey.objects.get(user=colleague).revoked_at is not None
    colleague.refresh_from_db()
    assert colleague.profile.kind == "candidate" and colleague.profile.employer is None


def test_d3_a_deactivated_users_key_stops_at_once(acme):
    _, key = api_key_create(user=acme, name="HR", employer=acme.profile.employer)
    assert publish(key).status_code == 201
    user_deactivate(user=acme)
    assert publish(key).status_code == 401
    assert Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code != 302


def test_d3_deactivation_in_the_admin_revokes_keys(acme):
    staff = User.objects.create_superuser("sam", "sam@example.org", PASSWORD)
    _, key = api_key_create(user=acme, name="HR", employer=acme.profile.employer)
    assert publish(key).status_code == 201
    response = signed_in(staff).post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [acme.pk]})
    assert response.status_code == 302
    assert publish(key).status_code == 401


def test_keys_have_scopes_and_may_expire(acme):
    _, reader = api_key_create(user=acme, name="read", employer=acme.profile.employer, scopes=("read",))
    refused = publish(reader)
    assert refused.status_code == 403 and "postings:write" in refused.json()["detail"]
    assert Client().get("/api/v1/jobs", HTTP_X_API_KEY=reader).status_code == 200
    expiring, plain = api_key_create(user=acme, name="soon", employer=acme.profile.employer)
    assert publish(plain).status_code == 201
    ApiKey.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_key_create(user=acme, name="bump the access version", employer=None, scopes=("read",))
    assert publish(plain).status_code == 401
    with pytest.raises(ValueError, match="change postings"):
        api_key_create(user=candidate("cara"), name="x", scopes=("read", "postings:write"))


def test_the_keys_page_sets_scopes_and_expiry_and_shows_last_use(acme):
    client = signed_in(acme)
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    created = client.post("/accounts/keys/", {"name": "reader", "expires_on": day})  # the box unticked: read only
    assert created.status_code == 200
    key = ApiKey.objects.get(name="reader")
    assert key.scopes == "read" and key.expires_at.date().isoformat() == day
    Client().get("/api/v1/roles", HTTP_X_API_KEY=created.context["new_key"])
    page = client.get("/accounts/keys/").content.decode()
    assert timezone.now().strftime("%Y-%m-%d %H:") in page and day in page and ">read<" in page
    past = client.post("/accounts/keys/", {"name": "old", "expires_on": "2020-01-01"})
    assert past.status_code == 400 and "after today" in past.content.decode()


def test_d5_an_invitation_is_for_one_address_and_works_once(acme):
    admin = signed_in(acme)
    link = invite(admin, "cole@example.org")
    assert mail.outbox[-1].to == ["cole@example.org"] and link in mail.outbox[-1].body
    stranger = signed_in(candidate("sly"))
    refused = stranger.post(link)
    assert refused.status_code == 400 and "for cole@example.org" in refused.content.decode()
    cole = candidate("cole")
    assert signed_in(cole).post(link).status_code == 302
    for late_comer in ("amy", "bob", "cy"):  # before: four accounts joined with one link
        answer = signed_in(candidate(late_comer)).post(link)
        assert answer.status_code == 400 and "has been used" in answer.content.decode()
    assert User.objects.filter(profile__employer=acme.profile.employer).count() == 2


def test_d5_admins_withdraw_invitations_and_remove_members(acme):
    admin = signed_in(acme)
    link = invite(admin, "dee@example.org")
    invitation = Invitation.objects.get(email="dee@example.org")
    assert admin.post(f"/accounts/organisation/invitations/{invitation.pk}/withdraw/").status_code == 302
    withdrawn = signed_in(candidate("dee")).post(link)
    assert withdrawn.status_code == 400 and "withdrawn" in withdrawn.content.decode()
    # A plain member sees the members but cannot invite or remove; an admin can, but not leave the last admin.
    cole = candidate("cole")
    join(cole, admin)
    plain = signed_in(cole)
    assert plain.get("/accounts/organisation/").status_code == 200
    assert plain.post("/accounts/organisation/", {"email": "x@example.org"}).status_code == 403
    assert plain.post(f"/accounts/organisation/members/{acme.pk}/remove/").status_code == 302
    acme.refresh_from_db()
    assert acme.profile.employer is not None  # refused, with a message
    last = admin.post(f"/accounts/organisation/members/{acme.pk}/remove/", follow=True)
    assert "needs another admin" in last.content.decode()
    # Another organisation's members and invitations are out of reach (404).
    other = signed_in(member("gus", "Globex"))
    assert other.post(f"/accounts/organisation/members/{cole.pk}/remove/").status_code == 404
    assert other.post(f"/accounts/organisation/invitations/{invitation.pk}/withdraw/").status_code == 404
