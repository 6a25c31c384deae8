"""Release safety (issue 18): a release that would become current without the areas the current one has is refused
unless --allow-partial (a national-only file would blank every local figure); `release_rollback --to YEAR` asks
first; a staged release can be deleted; `?release=0000` is a 404; /api/v1/releases names no operator."""

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from wages.models import Release, ReleaseChange, WageEstimate
from wages.queries import current_release
from wages.services import areas_missing
from wages.tests.releases import write_release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def staged_2026(snapshot_dir, tmp_path):
    call_command("import_oews", str(write_release(snapshot_dir, tmp_path, 2026)), "--stage", verbosity=0)
    return Release.objects.get(year=2026)


def test_a_release_lacking_the_current_ones_areas_is_refused_unless_allowed(staged_2026):
    current = Release.objects.get(year=2025)
    missing = areas_missing(staged_2026, current)
    had = WageEstimate.objects.filter(release=current).values("area_id").distinct().count()
    assert len(missing) == had - 3  # the made-up release has the nation, Texas and Austin
    with pytest.raises(CommandError, match=f"May 2026 has no estimates for {len(missing):,} areas that May 2025 has"):
        call_command("release_publish", "2026")
    assert current_release().year == 2025 and Release.objects.get(year=2026).staged
    call_command("release_publish", "2026", "--allow-partial", "--by", "ops", verbosity=0)
    assert current_release().year == 2026
    assert "published partial" in ReleaseChange.objects.filter(release=2026).first().note


def test_rollback_to_a_year_asks_first_and_stages_every_newer_release(staged_2026, monkeypatch):
    call_command("release_publish", "2026", "--allow-partial", verbosity=0)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("release_rollback", "--to", "2024")
    assert current_release().year == 2026
    assert asked == ["Stage May 2026, May 2025 again, so that May 2024 is the current release? Type 2024 to confirm: "]
    monkeypatch.setattr("builtins.input", lambda prompt: "2024")
    call_command("release_rollback", "--to", "2024", "--by", "ops", verbosity=0)
    assert current_release().year == 2024
    assert list(Release.objects.filter(staged=True).values_list("year", flat=True)) == [2026, 2025]
    with pytest.raises(CommandError, match="May 2026 is not a public release"):
        call_command("release_rollback", "--to", "2026", "--no-input")
    with pytest.raises(CommandError, match="May 2024 is already the current release"):
        call_command("release_rollback", "--to", "2024", "--no-input")


def test_a_staged_release_can_be_deleted_and_a_public_one_cannot(staged_2026, client, monkeypatch):
    with pytest.raises(CommandError, match="May 2025 is public; only a staged release can be deleted"):
        call_command("release_delete", "2025", "--no-input")
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("release_delete", "2026")
    assert client.get("/api/v1/wages", {"occupation": "15-1252", "release": 2026}).status_code == 200
    monkeypatch.setattr("builtins.input", lambda prompt: "2026")
    call_command("release_delete", "2026", verbosity=0)
    assert not Release.objects.filter(year=2026).exists()
    assert not WageEstimate.objects.filter(release_id=2026).exists()
    assert client.get("/api/v1/wages", {"occupation": "15-1252", "release": 2026}).status_code == 404


def test_release_0000_is_a_404_not_the_current_release(client):
    page = client.get("/roles/back-end-developer/", {"release": "0000"})
    assert page.status_code == 404 and "is not a release year" in page.content.decode()
    assert client.get("/roles/back-end-developer/", {"release": "2025"}).status_code == 200


def test_the_releases_endpoint_names_no_operator(staged_2026, client):
    call_command("release_publish", "2026", "--allow-partial", "--by", "alice.operator", verbosity=0)
    body = client.get("/api/v1/releases").content.decode()
    assert "alice.operator" not in body and '"by"' not in body
    assert ReleaseChange.objects.filter(release=2026).first().by == "alice.operator"  # kept for the admin
