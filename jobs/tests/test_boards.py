"""Employers' job boards (issue 21 item 1): each connector reads a recorded answer written to its API's documented
shape (jobs/tests/boards/, no network), a refresh writes through the one posting write path, is idempotent, closes
what left the board, and the HTTP client retries and reports per board. Values are checked against the fixtures."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation
from jobs.boards import client
from jobs.boards.client import BoardFetchError
from jobs.boards.connectors import CONNECTORS, read, read_file
from jobs.boards.rows import RowError
from jobs.models import JobBoard, Posting
from jobs.services.boards import board_configure, board_place, board_refresh
from jobs.tasks import boards_refresh
from lib.schedules import registered_recurring

FIXTURES = Path(__file__).parent / "boards"


def rows(kind: str, name: str | None = None) -> list:
    """The postings of a recorded answer that can be kept (test_refresh checks the reasons for the others)."""
    connector, found = CONNECTORS[kind], []
    for item in read_file(connector, FIXTURES / (name or f"{kind}.json"), board=kind):
        try:
            found.append(connector.row(item))
        except RowError:
            continue
    return found


def fixture(kind: str) -> object:
    return json.loads((FIXTURES / f"{kind}.json").read_text())


class TestConnectors:
    """Parsing only: no database."""

    def test_greenhouse_pay_input_ranges_as_published(self):
        first, second = rows("greenhouse")[:2]
        job = fixture("greenhouse")["jobs"][0]
        assert first.external_id == str(job["id"]) and first.title == job["title"]
        # 4200-5600 cents, titled "Hourly pay": $42-56 an hour, not a year
        assert (first.pay.low, first.pay.high, first.pay.period) == (Decimal(42), Decimal(56), "hour")
        assert (second.pay.low, second.pay.high, second.pay.period) == (Decimal(150000), Decimal(190000), "year")
        assert first.location == "Denver, CO" and second.location == "Remote - US"
        assert first.apply_url == job["absolute_url"]
        assert first.updated_at.isoformat() == "2026-11-30T14:05:12-05:00"
        # The escaped HTML is read as text; the script's content is dropped.
        assert first.description.startswith("Care for adult patients") and "alert" not in first.description

    def test_lever_salary_range_and_workplace_type(self):
        data, receptionist, sales = rows("lever")
        assert (data.arrangement, data.pay.period, data.pay.low) == ("remote", "year", Decimal(140000))
        assert (receptionist.arrangement, receptionist.pay.period, receptionist.pay.high) == ("hybrid", "hour", 25)
        assert receptionist.employment_type == "part_time"
        assert "Own the pipelines" in data.description and data.apply_url.endswith("/apply")
        assert sales.pay.low == 90  # as published; the write path refuses it (below)

    def test_ashby_compensation_and_unlisted(self):
        found = rows("ashby")
        assert [row.title for row in found] == ["Accountant", "Warehouse Associate"]  # isListed false is skipped
        accountant, warehouse = found
        assert (accountant.pay.low, accountant.pay.high, accountant.pay.period) == (80000, 95000, "year")
        assert accountant.location == "Boston, MA; Remote - US" and accountant.arrangement == "hybrid"
        assert (warehouse.pay.low, warehouse.pay.period, warehouse.employment_type) == (
            Decimal("18.5"),
            "hour",
            "part_time",
        )

    def test_smartrecruiters_and_its_pages(self):
        electrician, service = rows("smartrecruiters")
        assert electrician.location == "Chicago, IL"
        assert electrician.apply_url == "https://jobs.smartrecruiters.com/FabrikamInc/744000012345678"
        assert service.arrangement == "remote"
        page = {"offset": 0, "limit": 100, "totalFound": 250, "content": []}
        url = CONNECTORS["smartrecruiters"].address("FabrikamInc")
        assert CONNECTORS["smartrecruiters"].next_page(page, url).endswith("?limit=100&offset=100")
        assert CONNECTORS["smartrecruiters"].next_page(page | {"offset": 200}, url) is None

    def test_usajobs_rates_and_key_from_settings(self, settings):
        records, aid = rows("usajobs")
        assert (records.pay.low, records.pay.period) == (Decimal("47000.0"), "year")
        assert (aid.pay.high, aid.pay.period) == (Decimal("20.4"), "hour")
        assert records.location == "Denver, Colorado" and records.closes_at.year == 2027
        settings.USAJOBS_API_KEY, settings.USAJOBS_USER_AGENT = "k", "ops@example.org"
        assert CONNECTORS["usajobs"].headers()["Authorization-Key"] == "k"
        assert "Organization=VATA" in CONNECTORS["usajobs"].address("Organization=VATA")

    def test_jsonld_graph_on_a_careers_page(self):
        manager, bookkeeper = rows("jsonld", "careers.html")
        assert (manager.external_id, manager.location) == ("TS-17", "Seattle, WA")
        assert (manager.pay.low, manager.pay.period) == (60000, "year")
        assert (bookkeeper.external_id, bookkeeper.arrangement, bookkeeper.pay.period) == ("TS-18", "remote", "hour")

    def test_a_file_that_is_not_the_boards_shape(self, tmp_path):
        path = tmp_path / "answer.json"
        path.write_text('{"postings": []}')
        with pytest.raises(BoardFetchError, match=r"Greenhouse board 'acme'.*`jobs` list"):
            read_file(CONNECTORS["greenhouse"], path, board="Greenhouse board 'acme'")


@pytest.mark.django_db
class TestPlaces:
    def test_remote_us_is_remote_and_places_resolve(self):
        assert board_place("Remote - US") == ("", True, "")
        assert board_place("Remote (United States)") == ("", True, "")
        assert board_place("Seattle, WA; Remote") == ("Seattle, WA", True, "")
        place, remote, problem = board_place("London, UK")
        assert (place, remote) == ("", False) and "UK" in problem


@pytest.mark.django_db
class TestRefresh:
    def test_refresh_is_live_idempotent_and_closes_what_left(self, tmp_path):
        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        report = board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        assert (report.read, report.imported, report.closed) == (5, 3, 0)
        assert report.rejected[0].startswith("posting 4 (Registered Nurse): location:")
        assert report.rejected[1] == "posting 5 (4001005): title is missing"
        live = {p.external_id: p for p in Posting.objects.live().filter(board=board).select_related("role", "area")}
        assert set(live) == {"greenhouse:4001001", "greenhouse:4001002", "greenhouse:4001003"}
        nurse, engineer = live["greenhouse:4001001"], live["greenhouse:4001002"]
        assert (nurse.salary_min, nurse.salary_max, nurse.salary_period) == (42, 56, "hour")
        assert nurse.role.slug == "registered-nurses" and nurse.area is not None
        assert (engineer.arrangement, engineer.area, engineer.salary_period) == ("remote", None, "year")
        assert nurse.apply_url == "https://boards.greenhouse.io/acmehealth/jobs/4001001"
        assert nurse.board_updated_at.isoformat() == "2026-11-30T19:05:12+00:00" and nurse.fetched_at is not None
        assert "Greenhouse board 'acmehealth'" in nurse.source

        again = board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        assert (again.imported, again.closed) == (3, 0)
        assert Posting.objects.filter(board=board).count() == 3
        assert Posting.objects.get(external_id="greenhouse:4001001").pk == nurse.pk

        answer = fixture("greenhouse")
        answer["jobs"] = [job for job in answer["jobs"] if job["id"] != 4001003]
        smaller = tmp_path / "greenhouse.json"
        smaller.write_text(json.dumps(answer))
        assert board_refresh(board=board, path=smaller).closed == 1
        assert Posting.objects.get(external_id="greenhouse:4001003").status == Posting.Status.CLOSED
        assert board_refresh(board=board, path=FIXTURES / "greenhouse.json").closed == 0  # back on the board
        assert Posting.objects.get(external_id="greenhouse:4001003").status == Posting.Status.PUBLISHED
        board.refresh_from_db()
        assert (board.succeeded, board.imported, len(board.rejected)) == (True, 3, 2)

    def test_every_kind_writes_through_the_write_path(self):
        expected = {"lever": 2, "ashby": 2, "smartrecruiters": 2, "usajobs": 2}
        for kind, live in expected.items():
            board = board_configure(employer=f"Employer {kind}", kind=kind, token=kind)
            assert board_refresh(board=board, path=FIXTURES / f"{kind}.json").imported == live, kind
        sales = JobBoard.objects.get(kind="lever").rejected
        assert sales[0].startswith("posting 3 (Sales Representative): salary_min: $90 a year is too little")
        aid = Posting.objects.get(external_id="usajobs:812345601")
        assert (aid.salary_min, aid.salary_period, aid.area_id) == (Decimal("17.50"), "hour", "0012420")
        assert aid.area.name.startswith("Austin")  # "Austin, Texas" as USAJOBS writes it; OEWS MSA 12420

    def test_command_creates_the_employer(self, capsys):
        call_command("import_board", "jsonld", "--employer", "Tailspin Toys", "--file", str(FIXTURES / "careers.html"))
        assert "2 read, 2 live, 0 closed" in capsys.readouterr().out
        organisation = Organisation.objects.get(name="Tailspin Toys")
        assert set(organisation.postings.values_list("external_id", flat=True)) == {"jsonld:TS-17", "jsonld:TS-18"}
        with pytest.raises(CommandError, match=r"Nothing was changed: .*cannot be read"):
            call_command("import_board", "lever", "--employer", "Tailspin Toys", "--file", "/nonexistent.json")


class _Answers(BaseHTTPRequestHandler):
    """A local board: each path answers the statuses in turn (the last one again after that)."""

    plan: dict[str, list[tuple[int, bytes]]] = {}
    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        answers = self.plan.get(self.path.split("?")[0], [(404, b"")])
        status, body = answers.pop(0) if len(answers) > 1 else answers[0]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_board():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Answers.plan, _Answers.seen = {}, []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class TestClient:
    def test_retries_a_failing_board(self, local_board, settings):
        settings.BOARD_RETRIES = 2
        _Answers.plan["/jobs"] = [(503, b""), (200, b'{"jobs": []}')]
        assert client.get(f"{local_board}/jobs", board="Acme") == b'{"jobs": []}'
        assert len(_Answers.seen) == 2

    def test_a_clear_error_per_board(self, local_board, settings):
        settings.BOARD_RETRIES = 0
        with pytest.raises(
            BoardFetchError, match=r"^Greenhouse board '.*/nope/jobs': .* answered HTTP 404 \(is the board's"
        ):
            read(CONNECTORS["greenhouse"], token="", url=f"{local_board}/v1/boards/nope/jobs")
        with pytest.raises(BoardFetchError, match=r"no answer from http://127\.0\.0\.1:9/ after retries"):
            client.get("http://127.0.0.1:9/", board="Acme")

    def test_a_sitemap_of_careers_pages(self, local_board, settings):
        settings.BOARD_RETRIES = 0
        page = f"{local_board}/jobs/office"
        _Answers.plan["/sitemap.xml"] = [
            (200, f"<?xml version='1.0'?><urlset><url><loc>{page}</loc></url></urlset>".encode())
        ]
        _Answers.plan["/jobs/office"] = [(200, (FIXTURES / "careers.html").read_bytes())]
        found = read(CONNECTORS["jsonld"], token="", url=f"{local_board}/sitemap.xml")
        assert [item["title"] for item in found] == ["Office Manager", "Bookkeeper"]


@pytest.mark.django_db
class TestScheduler:
    def test_boards_are_refreshed_on_the_scheduler(self, local_board, settings):
        assert "jobs.tasks.boards_refresh" in {job.func for job in registered_recurring()}
        settings.BOARD_RETRIES = 0
        _Answers.plan["/v0/postings/northwind"] = [(200, (FIXTURES / "lever.json").read_bytes())]
        good = board_configure(employer="Northwind", kind="lever", url=f"{local_board}/v0/postings/northwind")
        bad = board_configure(employer="Northwind", kind="lever", url=f"{local_board}/v0/postings/gone")
        assert boards_refresh() == f"1 job boards refreshed, 1 could not be read ({bad.pk})"
        good.refresh_from_db(), bad.refresh_from_db()
        assert (good.succeeded, good.imported) == (True, 2)
        assert bad.succeeded is False and "answered HTTP 404" in bad.error


@pytest.mark.django_db
class TestRolePage:
    def test_the_role_page_lists_the_newest_postings_near_the_place_with_verdicts(self):
        from django.test import Client

        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        nurse = Posting.objects.get(external_id="greenhouse:4001001")
        page = Client().get("/roles/registered-nurses/", {"location": "Denver, CO"}).content.decode()
        section = page[
            page.index('id="newest-postings-heading"') : page.index("</section>", page.index("newest-postings"))
        ]
        assert "Newest postings near Denver, CO" in section
        assert f'<a href="{nurse.get_absolute_url()}">Registered Nurse, Med-Surg</a> at Acme Health' in section
        assert "Pay " in section and "for this role in Denver" in section  # its verdict against the local band
        elsewhere = Client().get("/roles/registered-nurses/", {"location": "Austin, TX"}).content.decode()
        assert "No posting for this role is open near Austin, TX on rolescope now." in elsewhere
