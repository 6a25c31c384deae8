"""manage.py fetch_data against a local server playing the publishers (no network): the files it serves are cut
from the bundled real data, in the publishers' own layouts. Retries, timeouts, checksums, zip contents and the
atomic import are checked through the command an operator runs."""

import csv
import gzip
import hashlib
import io
import json
import threading
import time
import zipfile
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from ops.fetch import SOURCES
from sources.models import ImportRun
from wages.imports.oews import SNAPSHOT_COLUMNS
from wages.models import WageEstimate

pytestmark = pytest.mark.django_db

NATIONAL_2024 = "oews-history/national_M2024_dl.csv.gz"
CELLS = ("00-0000", "15-1252", "29-1141")
ZIP_PATH = "/www.bls.gov/oes/special-requests/oesm24nat.zip"
USER_AGENT = "rolescope-tests/1.0 (ops@example.org)"


class Publisher(BaseHTTPRequestHandler):
    """Answers each path with the next of its queued answers (status, body, seconds to wait first)."""

    answers: dict[str, list[tuple[int, bytes, float]]] = {}
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        queue = self.answers.get(self.path) or [(404, b"not here", 0.0)]
        status, body, wait = queue.pop(0) if len(queue) > 1 else queue[0]
        time.sleep(wait)
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def publisher(settings, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Publisher.answers = {}
    Publisher.seen = []
    settings.FETCH_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.FETCH_USER_AGENT = USER_AGENT
    settings.FETCH_DIR = tmp_path / "fetch"
    settings.FETCH_RETRIES = 2
    settings.FETCH_TIMEOUT_SECONDS = 5
    yield Publisher
    server.shutdown()
    server.server_close()


def national_rows(snapshot_dir):
    with gzip.open(snapshot_dir / NATIONAL_2024, "rt", encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["OCC_CODE"] in CELLS]


def bls_zip(rows, *, member="oesm24nat/national_M2024_dl.xlsx") -> bytes:
    """oesm24nat.zip as BLS ships it: a folder holding the workbook, with BLS's columns, of the real `rows`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "national_M2024_dl"
    sheet.append(SNAPSHOT_COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in SNAPSHOT_COLUMNS])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, xlsx.getvalue())
    return body.getvalue()


def national_2024():
    return dict(WageEstimate.objects.filter(release=2024, area="0000000").values_list("occupation", "annual_median"))


def test_every_source_names_its_publisher_and_the_files_its_importer_reads():
    hosts = {name: source.url.split("/")[2] for name, source in SOURCES.items()}
    assert hosts == {
        "oews": "www.bls.gov",
        "oews-national": "www.bls.gov",
        "projections": "www.bls.gov",
        "onet": "www.onetcenter.org",
        "oews-areas": "flag.dol.gov",
    }
    assert SOURCES["oews"].url.format(**SOURCES["oews"].release_fields("2025")).endswith("/oesm25all.zip")
    assert SOURCES["onet"].url.format(**SOURCES["onet"].release_fields("30.1")).endswith("/db_30_1_text.zip")


def test_a_503_is_retried_then_the_release_is_imported_with_its_sha256_recorded(publisher, snapshot_dir, settings):
    rows = national_rows(snapshot_dir)
    body = bls_zip(rows)
    publisher.answers[ZIP_PATH] = [(503, b"busy", 0.0), (200, body, 0.0)]
    out = io.StringIO()
    sha256 = hashlib.sha256(body).hexdigest()
    call_command("fetch_data", "oews-national", "--release", "2024", "--sha256", sha256.upper(), stdout=out)
    # two requests (the 503, then the file), each saying who is asking
    assert publisher.seen == [(ZIP_PATH, USER_AGENT), (ZIP_PATH, USER_AGENT)]
    for row in rows:
        estimate = WageEstimate.objects.get(release=2024, area="0000000", occupation=row["OCC_CODE"])
        assert estimate.employment == int(row["TOT_EMP"])
        assert estimate.annual_median == int(row["A_MEDIAN"])
        assert estimate.hourly_median == Decimal(row["H_MEDIAN"])
    assert f"sha256 {sha256}" in out.getvalue() and "oews: May 2024: 3 rows written" in out.getvalue()
    run = ImportRun.objects.filter(source="oews").first()
    assert (run.status, run.sha256) == ("succeeded", sha256)
    provenance = json.loads((settings.FETCH_DIR / "oews-national/2024/PROVENANCE.json").read_text())
    assert provenance[-1]["sha256"] == sha256 and provenance[-1]["url"].endswith(ZIP_PATH)
    assert provenance[-1]["bytes"] == len(body)
    assert set(provenance[-1]["members_sha256"]) == {"national_M2024_dl.xlsx"}


def test_a_publisher_that_does_not_answer_in_time_is_named_with_the_timeout(publisher, snapshot_dir, settings):
    settings.FETCH_TIMEOUT_SECONDS = 0.3
    settings.FETCH_RETRIES = 1
    publisher.answers[ZIP_PATH] = [(200, b"late", 1.5)]
    before = national_2024()
    with pytest.raises(
        CommandError,
        match=r"no answer from http://127.0.0.1:\d+/www.bls.gov/.* after 2 tries "
        r"\(timed out after 0.3 s\)",
    ):
        call_command("fetch_data", "oews-national", "--release", "2024")
    assert len(publisher.seen) == 2 and national_2024() == before


def test_a_wrong_checksum_is_refused_and_nothing_is_imported(publisher, snapshot_dir, settings):
    body = bls_zip(national_rows(snapshot_dir))
    publisher.answers[ZIP_PATH] = [(200, body, 0.0)]
    before = national_2024()
    with pytest.raises(CommandError, match=f"its sha256 is {hashlib.sha256(body).hexdigest()}, not the 0+ given"):
        call_command("fetch_data", "oews-national", "--release", "2024", "--sha256", "0" * 64)
    assert national_2024() == before
    assert not (settings.FETCH_DIR / "oews-national/2024/oesm24nat.zip").exists()


def test_a_zip_without_the_expected_file_is_refused_saying_what_it_holds(publisher, snapshot_dir):
    publisher.answers[ZIP_PATH] = [(200, bls_zip(national_rows(snapshot_dir), member="oesm24nat/readme.xlsx"), 0.0)]
    before = national_2024()
    with pytest.raises(
        CommandError, match=r"oesm24nat.zip from .* has no national_M2024_dl.xlsx \(it holds readme.xlsx\)"
    ):
        call_command("fetch_data", "oews-national", "--release", "2024")
    assert national_2024() == before


def test_a_web_page_instead_of_the_zip_is_refused(publisher):
    publisher.answers[ZIP_PATH] = [(200, b"<!DOCTYPE html><title>Access Denied</title>", 0.0)]
    with pytest.raises(CommandError, match=r"is not a zip \(it starts b'<!DOCTYPE html>"):
        call_command("fetch_data", "oews-national", "--release", "2024")


def test_a_file_that_fails_half_way_leaves_the_previous_release(publisher, snapshot_dir):
    rows = national_rows(snapshot_dir)
    broken = dict(rows[-1], TOT_EMP="twelve")  # the last row cannot be read: the rows before it were written
    publisher.answers[ZIP_PATH] = [(200, bls_zip([*rows, broken]), 0.0)]
    before = national_2024()
    with pytest.raises(CommandError, match=r"Import stopped, nothing was changed: .*column TOT_EMP: 'twelve'"):
        call_command("fetch_data", "oews-national", "--release", "2024")
    assert national_2024() == before and len(before) > len(CELLS)
    assert ImportRun.objects.filter(source="oews").first().status == "failed"


def test_bad_requests_are_refused_before_any_download(publisher, settings):
    with pytest.raises(CommandError, match=r"oews-national needs --release: the May reference year"):
        call_command("fetch_data", "oews-national")
    with pytest.raises(CommandError, match=r"'May 2024' is not a release of oews-national"):
        call_command("fetch_data", "oews-national", "--release", "May 2024")
    settings.FETCH_USER_AGENT = ""
    with pytest.raises(CommandError, match=r"Set FETCH_USER_AGENT to a name and a contact email"):
        call_command("fetch_data", "oews-national", "--release", "2024")
    assert publisher.seen == []


def test_projections_and_oews_areas_load_through_their_importers(publisher, snapshot_dir):
    """BLS's occupation.xlsx as published (the bundled copy is the file itself), and OFLC's wage zip holding the
    Geography.csv of the bundled data: each loads through its own importer, recorded with its checksum."""
    from geo.models import County
    from market.models import Projection

    workbook = (snapshot_dir / "projections/occupation_2024-34.xlsx").read_bytes()
    publisher.answers["/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"] = [(200, workbook, 0.0)]
    call_command("fetch_data", "projections", stdout=io.StringIO())
    run = ImportRun.objects.filter(source="projections").first()
    assert (run.status, run.sha256, run.release) == (
        "succeeded",
        hashlib.sha256(workbook).hexdigest(),
        "Employment Projections 2024-34",
    )
    assert run.rows_written == Projection.objects.filter(period="2024-34").count() > 1000

    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Geography.csv", gzip.decompress((snapshot_dir / "oews-areas/oflc_geography_2025_26.csv.gz").read_bytes())
        )
    publisher.answers["/flag.dol.gov/sites/default/files/wages/OFLC_Wages_2025-26.zip"] = [(200, body.getvalue(), 0.0)]
    call_command("fetch_data", "oews-areas", "--release", "2025-26", stdout=io.StringIO())
    run = ImportRun.objects.filter(source="geo").first()
    assert run.status == "succeeded" and run.release.endswith("OFLC OEWS areas 2025-26")
    # SOURCE.md's spot checks: Park County, MT is in Southwest Montana nonmetropolitan area; Gallatin in Bozeman
    assert County.objects.get(fips="30067").published_area_code == "3000003"
    assert County.objects.get(fips="30031").published_area_code == "0014580"
