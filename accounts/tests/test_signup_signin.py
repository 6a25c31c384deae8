"""Sign up, sign in (throttled), password reset by email, Argon2 hashes."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_sign_up_creates_an_argon2_account_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "dana", "email": "Dana@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    user = User.objects.get(username="dana")
    assert user.email == "dana@example.org" and user.password.startswith("argon2$")
    client.get(re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1))
    assert client.get("/accounts/keys/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password1": "short", "password2": "short"}, "This password is too short"),
        ({"password1": "password123", "password2": "password123"}, "This password is too common"),
        ({"password2": "something else entirely"}, "The two password fields didn"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
    ],
)
def test_sign_up_explains_what_is_wrong(client, fields, message):
    data = {"username": "erin", "email": "erin@example.org", "password1": PASSWORD, "password2": PASSWORD, **fields}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="erin").exists()


def test_one_account_per_email(client):
    User.objects.create_user("first", "same@example.org", PASSWORD)
    response = client.post(
        "/accounts/signup/",
        {"username": "second", "email": "SAME@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    # The same answer as for a new address (audit D12); the address is told instead, and no account is made.
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    assert not User.objects.filter(username="second").exists()
    assert mail.outbox[-1].to == ["same@example.org"] and "already has an account" in mail.outbox[-1].body


def test_sign_in_is_throttled_after_repeated_failures(client, settings):
    settings.SIGNIN_ATTEMPTS_PER_15_MINUTES = 3
    User.objects.create_user("fran", "fran@example.org", PASSWORD)
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "fran", "password": "wrong"}).status_code == 200
    blocked = client.post("/accounts/login/", {"username": "fran", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_works_and_a_success_clears_the_count(client, settings):
    settings.SIGNIN_ATTEMPTS_PER_15_MINUTES = 3
    User.objects.create_user("gus", "gus@example.org", PASSWORD)
    client.post("/accounts/login/", {"username": "gus", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "gus", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == "/accounts/"


def test_password_reset_by_email(client):
    User.objects.create_user("hal", "hal@example.org", PASSWORD)
    response = client.post("/accounts/password-reset/", {"email": "hal@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Reset your rolescope password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    new = "another long and unusual passphrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="hal").check_password(new)
    # An unknown address says the same and sends nothing.
    client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
