"""Every way in is throttled the same way, keyed as Django matches names; sign-up tells nobody which addresses have
accounts; passwords have a maximum length (audit D4, D6, D12, D14, D17)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def sign_in(username: str, password: str, address: str = "203.0.113.7", path: str = "/accounts/login/"):
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


def test_d4_admin_sign_in_is_throttled(settings):
    settings.SIGNIN_ATTEMPTS_PER_15_MINUTES = 5
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    for _ in range(5):
        assert sign_in("root", "wrong", path="/admin/login/").status_code == 200
    blocked = sign_in("root", PASSWORD, path="/admin/login/")  # before: 40 wrong, then the right one signed in
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.content.decode()
    other_account = sign_in("someone", PASSWORD, path="/admin/login/")
    assert other_account.status_code == 200  # the lock is the account's, not the admin page's


def test_d6_unicode_and_case_variants_are_one_account(settings):
    settings.SIGNIN_ATTEMPTS_PER_15_MINUTES = 10
    User.objects.create_user("dave", "dave@example.org", PASSWORD)
    variants = ["ｄave", "DAVE", "Dave", "ⅾave", "dAvE", "ｄａｖｅ", "DAVE", "dave", "Ｄave", "ᵈave"]
    for number, name in enumerate(variants):
        sign_in(name, "wrong", address=f"198.51.100.{number}")  # ten addresses, ten spellings
    blocked = sign_in("ｄave", PASSWORD, address="198.51.100.200")
    assert blocked.status_code == 429  # before: the full-width spelling signed in as dave while "dave" was locked
    assert "_auth_user_id" not in Client().session


def test_d14_one_proxy_does_not_lock_everyone_out(settings):
    settings.SIGNIN_ATTEMPTS_PER_15_MINUTES = 10
    settings.SIGNIN_ADDRESS_ATTEMPTS_PER_15_MINUTES = 100
    User.objects.create_user("erin", "erin@example.org", PASSWORD)
    for number in range(20):  # twenty colleagues behind one proxy mistype their passwords once each
        sign_in(f"colleague{number}", "wrong", address="10.0.0.1")
    assert sign_in("erin", PASSWORD, address="10.0.0.1").status_code == 302
    for number in range(100):  # but one address spraying guesses over many accounts is stopped
        sign_in(f"victim{number}", "wrong", address="10.0.0.2")
    assert sign_in("erin", PASSWORD, address="10.0.0.2").status_code == 429


def test_d14_password_resets_and_wrong_api_keys_are_limited(settings):
    settings.RESETS_PER_15_MINUTES = 3
    settings.INVALID_KEYS_PER_MINUTE = 5
    User.objects.create_user("hal", "hal@example.org", PASSWORD)
    client = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(6):
        assert client.post("/accounts/password-reset/", {"email": "hal@example.org"}).status_code == 302
    assert len(mail.outbox) == 3  # the same answer each time, but no more mail
    wrong = [client.get("/api/v1/roles", HTTP_X_API_KEY=f"rs_0000000{n}_x").status_code for n in range(7)]
    assert wrong == [401] * 5 + [429] * 2


def test_d14_downloads_and_autocomplete_are_limited(settings):
    settings.PAGE_WORK_RATE_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="192.0.2.10")
    for path in ("/roles/back-end-developer/figures.json", "/autocomplete/places?q=aus", "/autocomplete/roles?q=nur"):
        answers = [client.get(path).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429], path


def test_d12_sign_up_never_says_an_address_has_an_account():
    User.objects.create_user("first", "same@example.org", PASSWORD)
    data = {"password1": PASSWORD, "password2": PASSWORD}
    taken = Client().post("/accounts/signup/", {"username": "second", "email": "SAME@example.org", **data})
    fresh = Client().post("/accounts/signup/", {"username": "third", "email": "new@example.org", **data})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == "/accounts/signup/sent/"
    assert not User.objects.filter(username="second").exists()
    notice, confirm = mail.outbox
    assert notice.to == ["same@example.org"] and "already has an account" in notice.body
    assert confirm.to == ["new@example.org"] and "/accounts/confirm/" in confirm.body
    # The new account works once its address is confirmed, and the link works once.
    assert sign_in("third", PASSWORD).status_code == 200  # not yet
    link = re.search(r"http://testserver(/accounts/confirm/\S+/)", confirm.body).group(1)
    client = Client()
    assert client.get(link)["Location"] == "/accounts/"
    assert client.get("/accounts/keys/").status_code == 200
    assert Client().get(link).status_code == 400


def test_d17_passwords_over_128_characters_are_refused():
    data = {"username": "long", "email": "long@example.org", "password1": "x" * 129, "password2": "x" * 129}
    refused = Client().post("/accounts/signup/", {**data, "password1": "Zq8-" * 40, "password2": "Zq8-" * 40})
    assert refused.status_code == 400 and "at most 128 characters" in refused.content.decode()
    User.objects.create_user("long", "long@example.org", PASSWORD)
    answer = sign_in("long", "y" * 1_000_000)  # not hashed: refused at once
    assert answer.status_code == 200 and "at most 128 characters" in answer.content.decode()
