"""GET /healthz: database reachable and the data releases that are loaded."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_loaded_releases(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    releases = {(item["source"], item["release"]) for item in body["releases"]}
    assert {
        ("oews", "May 2025"),
        ("oews", "May 2024"),
        ("onet", "O*NET 30.1"),
        ("projections", "Employment Projections 2024-34"),
    } <= releases
    assert all(len(item["sha256"]) in (0, 64) for item in body["releases"])
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
