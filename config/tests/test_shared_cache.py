"""The shared cache: a Redis outage is not an outage (audit D7), and only the parameters a page reads make cache
entries (audit D8)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_redis import get_redis_connection

from accounts.services import api_key_create
from accounts.testing import member
from lib.redis_cache import failures, redis_cache

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/roles/back-end-developer/?location=Austin%2C+TX",
    "/roles/back-end-developer/figures.csv?location=94086",
    "/jobs/?q=nurse",
    "/autocomplete/places?q=sea",
    "/api/v1/roles/registered-nurses?location=Seattle%2C+WA",
    "/api/v1/wages?occupation=15-1252&area=0041940",
    "/api/v1/jobs",
]


def test_d7_every_page_and_api_call_is_served_while_redis_is_away(settings):
    # Nothing listens on port 9: every call to the cache fails, as during a Redis restart.
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:9/0")}
    failures_before = failures()
    client = Client()
    answers = {page: client.get(page).status_code for page in PAGES}
    assert answers == dict.fromkeys(PAGES, 200)
    user = member("ada", "Acme Robotics")
    _, key = api_key_create(user=user, name="HR", employer=user.profile.employer)
    job = {"title": "Nurse", "location": "Denver, CO", "apply_url": "https://acme.example/jobs"}
    written = client.post("/api/v1/jobs", job, content_type="application/json", HTTP_X_API_KEY=key)
    assert written.status_code == 201  # limits fail open: the write is served, and kept
    signed = Client().post("/accounts/login/", {"username": "ada", "password": "a long and unusual passphrase"})
    assert signed.status_code == 302
    assert failures() > failures_before  # each failure is counted (and logged)


def _page_entries() -> int:
    store: Any = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # local memory
        return sum(":page:" in key for key in store)
    client = get_redis_connection()  # Redis, through django-redis
    return len(client.keys(f"*{cache.key_prefix}*:page:*"))


def test_d8_parameters_a_page_does_not_read_make_no_cache_entries():
    cache.clear()
    client = Client()
    first = client.get("/roles/back-end-developer/", {"location": "Austin, TX"})
    assert first.status_code == 200 and _page_entries() == 1
    for number in range(25):
        page = client.get("/roles/back-end-developer/", {"location": "Austin, TX", f"utm_{number}": str(number)})
        assert page.status_code == 200 and page["ETag"] == first["ETag"]
    assert _page_entries() == 1  # before: every distinct address added a 25 kB entry for an hour
    client.get("/roles/back-end-developer/", {"location": "Denver, CO"})
    assert _page_entries() == 2  # a parameter the page reads is a different page
    client.get("/roles/back-end-developer/", {"location": "x" * 500})
    assert _page_entries() == 2  # a value longer than any place name is answered, never kept
