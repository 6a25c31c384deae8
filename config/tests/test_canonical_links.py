"""Absolute links never echo the Host a client sent (issue 18): one request with `Host: LOCALHOST.` wrote
`http://LOCALHOST./...` into the canonical and share links of a page the shared page cache then gave everyone.
The deployment checks warn about per-worker limits (no shared cache) and an unset SITE_URL."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from accounts.checks import check_shared_limits, check_site_url

pytestmark = pytest.mark.django_db

ROLE = "/roles/back-end-developer/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def canonical(response) -> str:
    assert response.status_code == 200
    found = re.search(r'<link rel="canonical" href="([^"]+)"', response.content.decode())
    assert found, "the page names its canonical address"
    return found.group(1)


def test_a_host_spelled_otherwise_never_reaches_the_links_others_get(settings):
    settings.SITE_URL = ""
    odd = canonical(Client(HTTP_HOST="LOCALHOST.").get(ROLE))
    assert odd == "http://localhost/roles/back-end-developer/"
    assert canonical(Client(HTTP_HOST="localhost").get(ROLE)) == odd
    assert canonical(Client(HTTP_HOST="localhost:80").get(ROLE)) == odd
    # Another host the site answers to gets its own entry, with its own links.
    assert canonical(Client(HTTP_HOST="127.0.0.1:8080").get(ROLE)) == "http://127.0.0.1:8080/roles/back-end-developer/"


def test_site_url_is_the_only_origin_of_links(settings):
    settings.SITE_URL = "https://rolescope.example.org"
    page = Client(HTTP_HOST="LOCALHOST.").get(ROLE)
    assert canonical(page) == "https://rolescope.example.org/roles/back-end-developer/"
    assert "LOCALHOST" not in page.content.decode()
    api = Client(HTTP_HOST="LOCALHOST.").get("/api/v1/roles", {"page_size": 1}).json()
    assert api["next"].startswith("https://rolescope.example.org/api/v1/roles?")


def test_check_deploy_warns_about_per_worker_limits_and_links(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SITE_URL = ""
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    (limits,) = check_shared_limits()
    assert limits.id == "rolescope.W001" and "each allows 2 times what it says" in limits.msg
    assert [message.id for message in check_site_url()] == ["rolescope.W002"]
    with pytest.raises(SystemCheckError, match=r"rolescope\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert check_shared_limits() == []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert check_shared_limits() == []
    settings.SITE_URL = "https://rolescope.example.org"
    assert check_site_url() == []
