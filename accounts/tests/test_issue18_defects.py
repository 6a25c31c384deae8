"""Issue 18's account defects: a deleted key (or its owner) stops at once; sign-up does the same work whether or
not the address has an account, and is limited per address; create_api_key makes its user a member of the
organisation the key is for (a key it printed was refused on every call)."""

import json
from io import StringIO

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiKey
from accounts.services import api_key_create
from accounts.testing import PASSWORD, editor, member

pytestmark = pytest.mark.django_db

JOB = {"title": "Back-End Developer", "location": "Austin, TX", "apply_url": "https://acme.example/apply"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def publish(key: str):
    return Client().post("/api/v1/jobs", data=json.dumps(JOB), content_type="application/json", HTTP_X_API_KEY=key)


def test_a_deleted_key_stops_at_once():
    ada = member("ada", "Acme Robotics")
    stored, key = api_key_create(user=ada, name="HR", employer=ada.profile.employer)
    assert publish(key).status_code == 201  # the key is now in this process's memo
    stored.delete()
    assert publish(key).status_code == 401


def test_a_deleted_users_key_stops_at_once():
    ada = member("ada", "Acme Robotics")
    _, key = api_key_create(user=ada, name="HR", employer=ada.profile.employer)
    assert publish(key).status_code == 201
    User.objects.filter(pk=ada.pk).delete()  # the key goes with its user (a cascade)
    assert not ApiKey.objects.exists()
    assert publish(key).status_code == 401


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed (the slow part of a sign-up with Argon2)."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def sign_up(username: str, email: str, address: str = "203.0.113.9"):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return Client(REMOTE_ADDR=address).post("/accounts/signup/", data)


def test_sign_up_hashes_a_password_whether_or_not_the_address_has_an_account(settings):
    settings.PASSWORD_HASHERS = ["accounts.tests.test_issue18_defects.CountingHasher"]
    User.objects.create_user("first", "same@example.org", PASSWORD)
    CountingHasher.hashed = 0
    assert sign_up("second", "same@example.org").status_code == 302
    known = CountingHasher.hashed
    assert sign_up("third", "new@example.org").status_code == 302
    assert known == 1 and CountingHasher.hashed - known == 1
    assert [message.to for message in mail.outbox] == [["same@example.org"], ["new@example.org"]]
    assert not User.objects.filter(username="second").exists() and User.objects.filter(username="third").exists()


def test_sign_ups_are_limited_per_address(settings):
    settings.SIGNUPS_PER_15_MINUTES = 2
    assert sign_up("one", "one@example.org").status_code == 302
    assert sign_up("two", "two@example.org").status_code == 302
    refused = sign_up("three", "three@example.org")
    assert refused.status_code == 429 and "Too many sign-ups from this address" in refused.content.decode()
    assert not User.objects.filter(username="three").exists()
    assert sign_up("three", "three@example.org", address="198.51.100.4").status_code == 302  # another address


def test_an_address_with_an_account_is_not_flooded_with_notices(settings):
    settings.RESETS_PER_15_MINUTES = 2
    User.objects.create_user("first", "same@example.org", PASSWORD)
    for number in range(4):
        assert sign_up(f"other{number}", "same@example.org", address=f"198.51.100.{number}").status_code == 302
    assert len(mail.outbox) == 2


def test_create_api_key_for_an_organisation_makes_the_user_a_member():
    ada = member("ada", "Acme Robotics")
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "hr-bot", "HR", "--employer", ada.profile.employer.slug, stdout=out, stderr=err)
    assert "hr-bot is now a member of Acme Robotics" in err.getvalue()
    assert publish(out.getvalue().strip()).status_code == 201


def test_create_api_key_refuses_a_user_who_cannot_be_a_member():
    ada = member("ada", "Acme Robotics")
    editor("eve")
    with pytest.raises(CommandError, match="eve cannot have a key for Acme Robotics"):
        call_command("create_api_key", "eve", "HR", "--employer", ada.profile.employer.slug, stdout=StringIO())
    assert not ApiKey.objects.filter(user__username="eve").exists()
