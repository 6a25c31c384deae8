"""A release loaded as staged is shown only when asked for, until published; rolling back brings the previous one
back. Checked through the commands, /api/v1/wages and /api/v1/releases, with the page cache on."""

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from wages.models import Release, ReleaseChange
from wages.queries import current_release, national_estimates
from wages.services import ReleaseRefused, release_publish, release_rollback
from wages.tests.releases import ANNUAL_RAISE, write_release

pytestmark = pytest.mark.django_db

SOFTWARE_2025 = 135_980  # national median annual wage of 15-1252 in May 2025 (the bundled file)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def staged_2026(snapshot_dir, tmp_path):
    path = write_release(snapshot_dir, tmp_path, 2026)
    call_command("import_oews", str(path), "--stage", verbosity=0)
    return Release.objects.get(year=2026)


def national_median(client, **params):
    body = client.get("/api/v1/wages", {"occupation": "15-1252", **params}).json()
    return body["release"]["year"], body["release"]["staged"], body["annual"]["median"]


def statuses(client):
    body = client.get("/api/v1/releases").json()
    return body["current"], {release["year"]: release["status"] for release in body["oews"]}


def test_a_staged_release_is_shown_only_when_asked_for(client, staged_2026):
    assert staged_2026.staged and current_release().year == 2025
    for _ in range(2):  # the second answer comes from the memo
        assert national_median(client) == (2025, False, SOFTWARE_2025)
        assert national_median(client, release=2026) == (2026, True, SOFTWARE_2025 + ANNUAL_RAISE)
    assert statuses(client) == (
        2025,
        {2026: "staged", 2025: "current", 2024: "retired", 2023: "retired", 2022: "retired"},
    )
    change = client.get("/api/v1/releases").json()["oews"][0]["changes"][0]
    assert change["action"] == "staged" and "oews_M2026_trimmed.csv" in change["note"]
    assert "by" not in change  # who did it (an operator's account) is never published


def test_publish_makes_it_current_everywhere_and_rollback_brings_the_previous_one_back(client, staged_2026):
    assert national_median(client) == (2025, False, SOFTWARE_2025)
    # The made-up release has three areas of the current one's many: published all the same, as asked.
    call_command("release_publish", "2026", "--by", "ops@example.org", "--allow-partial", verbosity=0)
    for _ in range(2):
        assert national_median(client) == (2026, False, SOFTWARE_2025 + ANNUAL_RAISE)
        assert national_median(client, release=2025) == (2025, False, SOFTWARE_2025)
    assert statuses(client) == (
        2026,
        {2026: "current", 2025: "retired", 2024: "retired", 2023: "retired", 2022: "retired"},
    )
    published = ReleaseChange.objects.filter(release=2026).first()
    assert (published.action, published.by) == ("published", "ops@example.org")
    assert published.note.startswith("current release now (was May 2025); published partial: May 2026 has no ")

    call_command("release_rollback", verbosity=0)
    for _ in range(2):
        assert national_median(client) == (2025, False, SOFTWARE_2025)
        assert national_median(client, release=2026) == (2026, True, SOFTWARE_2025 + ANNUAL_RAISE)
    assert statuses(client)[1][2026] == "staged"
    assert [c["action"] for c in client.get("/api/v1/releases").json()["oews"][0]["changes"]] == [
        "rolled back",
        "published",
        "staged",
    ]


def test_history_holds_public_releases_and_only_the_staged_one_asked_for(staged_2026):
    def years(release):
        return [estimate.release_id for estimate in national_estimates("15-1252", release)[1]]

    assert years(Release.objects.get(year=2025)) == [2022, 2023, 2024, 2025]
    assert years(staged_2026) == [2022, 2023, 2024, 2025, 2026]
    assert years(Release.objects.get(year=2024)) == [2022, 2023, 2024]


def test_an_unknown_release_is_a_404_naming_the_loaded_ones(client, staged_2026):
    response = client.get("/api/v1/wages", {"occupation": "15-1252", "release": 2031})
    assert response.status_code == 404
    body = response.json()
    assert body["title"] == "Unknown release" and body["detail"] == "Release May 2031 is not loaded."
    assert body["suggestions"][:2] == ["release=2026 (staged)", "release=2025"]


def test_publish_and_rollback_refusals_change_nothing(staged_2026):
    with pytest.raises(CommandError, match="May 2031 is not loaded"):
        call_command("release_publish", "2031")
    with pytest.raises(CommandError, match="May 2025 is already the current release"):
        call_command("release_publish", "2025")
    with pytest.raises(CommandError, match="May 2024 is already public"):
        call_command("release_publish", "2024")
    assert current_release().year == 2025 and Release.objects.get(year=2026).staged
    for year in (2025, 2024, 2023):
        assert release_rollback(by="test")[0].year == year
    with pytest.raises(ReleaseRefused, match="May 2022 is the only public release"):
        release_rollback(by="test")
    assert current_release().year == 2022
    assert release_publish(year=2024, by="test").year == 2024
    assert current_release().year == 2024


def test_a_release_without_national_estimates_cannot_be_published(snapshot_dir, tmp_path):
    path = write_release(snapshot_dir, tmp_path, 2027)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if ",99," not in line[:12]) + "\n")
    call_command("import_oews", str(path), "--stage", verbosity=0)
    with pytest.raises(CommandError, match="May 2027 has no national estimates"):
        call_command("release_publish", "2027")
    assert Release.objects.get(year=2027).staged


def test_a_public_release_cannot_be_staged_in_place(snapshot_dir, tmp_path):
    path = write_release(snapshot_dir, tmp_path, 2025)
    with pytest.raises(CommandError, match="May 2025 is public, so new figures for it would show at once"):
        call_command("import_oews", str(path), "--stage", verbosity=0)
    assert not Release.objects.get(year=2025).staged


def test_reloading_a_staged_release_keeps_it_staged(snapshot_dir, tmp_path, staged_2026, client):
    call_command("import_oews", str(write_release(snapshot_dir, tmp_path, 2026)), verbosity=0)
    assert Release.objects.get(year=2026).staged and national_median(client)[0] == 2025
