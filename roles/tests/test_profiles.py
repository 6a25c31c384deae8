"""Role profiles (roles.profiles): built for every occupation when the data is loaded, equal to the source files and
to a profile built on its own, rebuilt by an import or a publish, left as they were by a failed build, and built on
read when missing."""

import csv
import gzip

import pytest
from django.core.management import call_command

from roles.card import occupation_profile
from roles.models import Role, RoleProfile
from roles.profiles import _payloads, profiles_rebuild
from sources import derived
from wages.models import Release
from wages.queries import current_release
from wages.tests.releases import ANNUAL_RAISE, write_release

pytestmark = pytest.mark.django_db


def national_rows(path) -> dict[str, dict[str, str]]:
    """OCC_CODE -> the national row of an OEWS file (the May 2025 file holds every area; the history files one)."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {row["OCC_CODE"]: row for row in csv.DictReader(handle) if row.get("AREA", "99") in ("99", "")}


def stored() -> dict[str, tuple]:
    return {
        occupation: (release, built_at, payload)
        for occupation, release, built_at, payload in RoleProfile.objects.values_list(
            "occupation_id", "release_id", "built_at", "payload"
        )
    }


def test_every_role_has_a_stored_profile_of_the_current_release_equal_to_the_source_files(snapshot_dir):
    rows = stored()
    release = current_release()
    assert release is not None
    assert set(rows) == set(Role.objects.values_list("occupation_id", flat=True))
    assert {year for year, _, _ in rows.values()} == {release.year}
    may_2025 = national_rows(snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz")
    may_2024 = national_rows(snapshot_dir / "oews-history/national_M2024_dl.csv.gz")
    checked = 0
    for code in ("15-1252", "29-1141", "15-1254", "47-2111", "13-2011"):
        national = rows[code][2]["national"]["estimate"]
        source = may_2025[national["occupation_id"]]
        assert national["annual_median"] == int(source["A_MEDIAN"]) and national["employment"] == int(
            source["TOT_EMP"].replace(",", "")
        )
        history = rows[code][2]["history"]
        assert history[-1][0] == "May 2025" and history[-1][1][0] == int(source["A_MEDIAN"])
        assert history[-2][0] == "May 2024" and history[-2][1][0] == int(
            may_2024[national["occupation_id"]]["A_MEDIAN"]
        )
        checked += 1
    assert checked == 5


def test_the_bulk_build_equals_each_profile_built_on_its_own():
    release = current_release()
    assert release is not None
    rows = stored()
    codes = sorted(rows)[:: max(1, len(rows) // 25)]
    for code in codes:
        assert _payloads([code], release)[code] == rows[code][2], code


def test_a_missing_row_is_built_on_read_and_stored(client):
    before = RoleProfile.objects.get(occupation_id="29-1141").payload
    RoleProfile.objects.filter(occupation_id="29-1141").delete()
    profile = occupation_profile("29-1141")
    assert (
        profile.national is not None
        and profile.national.medium.value == before["national"]["estimate"]["annual_median"]
    )
    assert RoleProfile.objects.get(occupation_id="29-1141").payload == before
    # an earlier release's profile is built when first asked for, and kept beside the current one
    assert not RoleProfile.objects.filter(occupation_id="29-1141", release_id=2024).exists()
    assert client.get("/roles/registered-nurses/", {"release": "2024"}).status_code == 200
    kept = RoleProfile.objects.get(occupation_id="29-1141", release_id=2024).payload
    assert kept["national"]["estimate"]["release_id"] == 2024 and kept["history"][-1][0] == "May 2024"


def test_an_import_and_a_publish_rebuild_the_rows(snapshot_dir, tmp_path):
    before = stored()
    call_command("import_oews", str(write_release(snapshot_dir, tmp_path, 2026)), "--stage", verbosity=0)
    staged = stored()
    assert set(staged) == set(before) and all(staged[code][1] > before[code][1] for code in before)
    assert {year for year, _, _ in staged.values()} == {2025}  # a staged release is built when asked for
    call_command("release_publish", "2026", "--allow-partial", verbosity=0)
    published = stored()
    assert {year for year, _, _ in published.values()} == {2026}
    nurses = published["29-1141"][2]
    assert (
        nurses["national"]["estimate"]["annual_median"]
        == before["29-1141"][2]["national"]["estimate"]["annual_median"] + ANNUAL_RAISE
    )
    assert [point[0] for point in nurses["history"]][-2:] == ["May 2025", "May 2026"]
    assert nurses["change"]["previous"]["estimate"]["release_id"] == 2025


def test_a_failed_build_leaves_the_previous_rows(snapshot_dir, tmp_path, monkeypatch):
    call_command("import_oews", str(write_release(snapshot_dir, tmp_path, 2026)), "--stage", verbosity=0)
    before = stored()
    from roles import profiles

    def failing(codes):  # the market estimates fail, after the previous rows were deleted
        raise RuntimeError("the market estimates failed")

    monkeypatch.setattr(profiles, "national_markets", failing)
    with pytest.raises(RuntimeError):
        derived.rebuild({"oews"})
    assert stored() == before
    with pytest.raises(RuntimeError):  # a publish whose build fails is not made: the release stays staged
        call_command("release_publish", "2026", "--allow-partial", verbosity=0)
    assert Release.objects.get(year=2026).staged and stored() == before
    monkeypatch.undo()
    assert profiles_rebuild() == len(before)
