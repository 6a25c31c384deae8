"""A board's refresh skips the rows it has already written (issue 21's refresh target): a row whose content is as
it was last read is not written again but stays live, with its read time, provenance and expiry moved in one
UPDATE; a changed row goes through the write path again; postings that left the board are still closed."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import Posting
from jobs.schemas import PostingFields
from jobs.services.boards import board_configure, board_refresh
from jobs.services.postings import posting_upsert
from jobs.tests.test_boards import FIXTURES, fixture

MARK = "<p>written by this test, not by the write path</p>"


def _mark_every_posting(board) -> None:
    """Change a derived column behind the write path's back: a row the refresh rewrites loses the mark."""
    Posting.objects.filter(board=board).update(description_html=MARK)


@pytest.mark.django_db
class TestUnchangedRows:
    def test_an_unchanged_row_is_not_rewritten_but_stays_live_and_is_read_again(self):
        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        first = board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        before = {p.external_id: p for p in Posting.objects.filter(board=board)}
        assert len(before) == first.imported == 3 and all(p.board_digest for p in before.values())
        _mark_every_posting(board)

        with CaptureQueriesContext(connection) as queries:
            again = board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        assert (again.read, again.imported, again.closed) == (5, 3, 0)
        assert again.rejected == first.rejected  # bad rows are still reported with their reasons
        writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE")) and "jobs_posting" in q["sql"]]
        assert len(writes) == 1, writes  # the touch of the three unchanged rows (none left the board: no closing)
        for posting in Posting.objects.filter(board=board):
            old = before[posting.external_id]
            assert posting.description_html == MARK  # not rewritten
            assert posting.status == Posting.Status.PUBLISHED and posting.pk == old.pk
            assert posting.fetched_at > old.fetched_at and posting.expires_at > old.expires_at
            assert posting.board_digest == old.board_digest and posting.source.startswith("Greenhouse board")
        board.refresh_from_db()
        assert (board.imported, board.closed, len(board.rejected)) == (3, 0, 2)

    def test_a_changed_row_is_rewritten_and_a_row_that_left_is_closed(self, tmp_path):
        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        digests = dict(Posting.objects.filter(board=board).values_list("external_id", "board_digest"))
        _mark_every_posting(board)
        answer = fixture("greenhouse")
        answer["jobs"] = [job for job in answer["jobs"] if job["id"] != 4001003]
        changed = next(job for job in answer["jobs"] if job["id"] == 4001001)
        changed["title"] = "Charge Nurse"
        changed["content"] = "&lt;p&gt;Lead the night shift on a medical-surgical unit.&lt;/p&gt;"
        path = tmp_path / "greenhouse.json"
        path.write_text(json.dumps(answer))

        report = board_refresh(board=board, path=path)
        assert (report.imported, report.closed) == (2, 1)
        nurse, engineer, gone = (Posting.objects.get(external_id=f"greenhouse:400100{n}") for n in (1, 2, 3))
        assert nurse.title == "Charge Nurse" and "night shift" in nurse.description_html  # rewritten
        assert nurse.board_digest != digests[nurse.external_id] and nurse.status == Posting.Status.PUBLISHED
        assert engineer.description_html == MARK and engineer.status == Posting.Status.PUBLISHED  # untouched
        assert gone.status == Posting.Status.CLOSED and gone.description_html == MARK

        # Back on the board unchanged: a closed posting goes through the write path and is live again.
        assert board_refresh(board=board, path=FIXTURES / "greenhouse.json").closed == 0
        gone.refresh_from_db()
        assert gone.status == Posting.Status.PUBLISHED and gone.description_html != MARK

    def test_a_write_from_elsewhere_makes_the_next_refresh_rewrite_the_row(self):
        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        nurse = Posting.objects.get(external_id="greenhouse:4001001")
        fields = PostingFields.of(nurse).model_copy(update={"title": "Nurse (edited on the site)"})
        posting_upsert(organisation=nurse.employer, fields=fields, posting_id=nurse.pk)
        nurse.refresh_from_db()
        assert nurse.title == "Nurse (edited on the site)" and nurse.board_digest == ""

        board_refresh(board=board, path=FIXTURES / "greenhouse.json")
        nurse.refresh_from_db()
        assert nurse.title == fixture("greenhouse")["jobs"][0]["title"] and nurse.board_digest != ""

    def test_a_posting_without_a_publication_date_keeps_its_first_read_while_unchanged(self, tmp_path):
        answer = fixture("greenhouse")
        for job in answer["jobs"]:
            job.pop("first_published", None)
        path = tmp_path / "greenhouse.json"
        path.write_text(json.dumps(answer))
        board = board_configure(employer="Acme Health", kind="greenhouse", token="acmehealth")
        board_refresh(board=board, path=path)
        nurse = Posting.objects.get(external_id="greenhouse:4001001")
        assert nurse.posted_at == nurse.fetched_at  # the board gives no date: the time it was first read

        board_refresh(board=board, path=path)
        again = Posting.objects.get(pk=nurse.pk)
        assert again.fetched_at > nurse.fetched_at and again.posted_at == nurse.posted_at
