"""The probes: /healthz says the process answers; /readyz says it can serve, or names what is missing."""

import pytest
from django.test import Client

from lib.redis_cache import redis_cache
from ops.version import VERSION

pytestmark = pytest.mark.django_db


def test_healthz_is_liveness_without_database_or_host(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST="10.1.2.3:8000").get("/healthz")  # not an allowed host: probes still answer
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_reports_database_migrations_data_cache_and_releases():
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == VERSION
    assert body["checks"] == {"database": "ok", "migrations": "ok", "data": "ok", "cache": "ok"}
    releases = {(item["source"], item["release"]) for item in body["releases"]}
    assert {
        ("oews", "May 2025"),
        ("oews", "May 2024"),
        ("onet", "O*NET 30.1"),
        ("projections", "Employment Projections 2024-34"),
    } <= releases
    assert all(len(item["sha256"]) in (0, 64) for item in body["releases"])


def test_readyz_names_what_is_missing():
    from sources.models import ImportRun

    ImportRun.objects.filter(source="onet").update(status=ImportRun.Status.FAILED)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["data"] and "onet" in response.json()["checks"]["data"]


def test_readyz_reports_an_unreachable_cache_as_degraded_not_unavailable(settings):
    # Redis away (nothing listens on port 9): the site still serves (lib/cache.py), so /readyz keeps this server in
    # the load balancer (200) and names the check; before issue 18 it answered 503, taking every server out.
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:9/0")}
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["degraded"] == ["cache"] and "failing" not in body
    assert body["checks"]["cache"].startswith("unreachable") and body["checks"]["database"] == "ok"
    assert Client().get("/roles/back-end-developer/", {"location": "Austin, TX"}).status_code == 200


def test_probes_are_get_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
