"""The whole release as one gzipped CSV in BLS's all_data layout: equal to the bundled OEWS file, cell for cell."""

import csv
import gzip
import hashlib
import io

import pytest
from django.core.cache import cache

from conftest import SNAPSHOT
from wages.imports.oews import SNAPSHOT_COLUMNS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def download_dir(settings, tmp_path):
    cache.clear()
    settings.ROLESCOPE_DOWNLOAD_DIR = tmp_path


def test_the_release_file_is_the_source_and_its_digest_is_listed(client, tmp_path):
    listed = client.get("/api/v1/releases").json()["oews"]
    release = next(r for r in listed if r["year"] == 2025)
    assert release["download"].endswith("/api/v1/releases/2025/download")
    written = sorted(p.name for p in tmp_path.iterdir())  # written once, when first listed
    response = client.get("/api/v1/releases/2025/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == release["download_sha256"]
    assert sorted(p.name for p in tmp_path.iterdir()) == written  # served from the file, not written again
    ours = list(csv.DictReader(io.StringIO(gzip.decompress(content).decode())))
    official = (  # the layout of BLS's all_data files (SOURCE.md of /work/shared/data/oews-2025)
        "AREA AREA_TITLE AREA_TYPE PRIM_STATE NAICS NAICS_TITLE I_GROUP OWN_CODE OCC_CODE OCC_TITLE O_GROUP TOT_EMP "
        "EMP_PRSE JOBS_1000 LOC_QUOTIENT PCT_TOTAL PCT_RPT H_MEAN A_MEAN MEAN_PRSE H_PCT10 H_PCT25 H_MEDIAN H_PCT75 "
        "H_PCT90 A_PCT10 A_PCT25 A_MEDIAN A_PCT75 A_PCT90 ANNUAL HOURLY"
    )
    assert list(ours[0]) == official.split(" ")
    with gzip.open(SNAPSHOT / "oews-2025/all_data_M_2025_cross_industry.csv.gz", "rt", encoding="utf-8-sig") as f:
        source = {(r["AREA"], r["OCC_CODE"]): r for r in csv.DictReader(f)}
    by_key = {(r["AREA"], r["OCC_CODE"]): r for r in ours}
    assert set(by_key) == set(source)
    compared = [c for c in SNAPSHOT_COLUMNS if c not in ("AREA_TITLE", "OCC_TITLE")]
    mismatches = [
        (key, column, by_key[key][column], row[column])
        for key, row in source.items()
        for column in compared
        if by_key[key][column] != row[column]
    ]
    assert sorted({(column, ours, theirs) for _, column, ours, theirs in mismatches})[:12] == []
    assert by_key[("99", "15-1252")]["A_MEDIAN"] == source[("99", "15-1252")]["A_MEDIAN"]


def test_a_release_not_loaded_is_a_404(client):
    assert client.get("/api/v1/releases/2031/download").status_code == 404


def test_an_import_or_publish_queues_the_worker_task_that_writes_the_files(client, tmp_path):
    """The process that imports (or publishes) writes no file: it queues the worker's task in its transaction, and the
    worker writes every release's file into the folder the app servers serve from."""
    from django_q.models import OrmQ  # type: ignore[import-untyped]

    from sources import derived
    from wages.downloads import downloads_rebuild
    from wages.tasks import release_downloads_write

    assert derived._registry["release downloads"].build is downloads_rebuild  # run by every OEWS import and publish
    before = set(OrmQ.objects.values_list("pk", flat=True))
    downloads_rebuild()
    queued = [task.task["func"] for task in OrmQ.objects.exclude(pk__in=before)]
    assert queued == ["wages.tasks.release_downloads_write"]
    assert list(tmp_path.iterdir()) == []
    assert "oews-M2025-all-data.csv.gz" in release_downloads_write()
    written = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    listed = next(r for r in client.get("/api/v1/releases").json()["oews"] if r["year"] == 2025)
    response = client.get("/api/v1/releases/2025/download")
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == listed["download_sha256"]
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == written  # served, not written again
