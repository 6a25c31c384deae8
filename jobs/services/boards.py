"""Refreshing an organisation's job board (`JobBoard`): read it (jobs.boards), write each posting through the one
posting write path (`posting_upsert`, keyed on the board's own id), and close the board's postings that have left
it. One refresh is one transaction: a board that cannot be read, or a failure half-way, leaves the postings as they
were. A posting that cannot be kept is reported with its reason; the others are kept."""

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from accounts.models import Organisation
from accounts.services import organisation_for_feed
from geo.resolve import resolve
from jobs.boards.connectors import CONNECTORS, Connector, label, read, read_file
from jobs.boards.rows import BoardRow, RowError
from jobs.models import JobBoard, Posting
from jobs.schemas import PostingFields
from jobs.services import webhooks
from jobs.services.postings import FeedEntry, PostingInvalid, lifetime, posting_upsert
from lib.api import field_message
from sources import versions

_CHUNK = 500  # ids an UPDATE names at once
MAX_REJECTED = 500  # rejected postings kept on the board's record (the count is always whole)
_SEPARATORS = re.compile(r"\s*(?:;|\||\n|/)\s*|\s+or\s+")  # "or", not Oregon
_REMOTE = re.compile(r"\b(?:remote|anywhere|work from home|wfh|telecommute|virtual)\b", re.IGNORECASE)
_COUNTRY = {"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "north america"}


@dataclass
class BoardReport:
    """What one refresh did."""

    read: int = 0
    imported: int = 0
    closed: int = 0
    rejected: list[str] = field(default_factory=list)


def board_configure(*, organisation: Organisation | None = None, employer: str = "", kind: str, token: str = "",
                    url: str = "") -> JobBoard:  # fmt: skip
    """The organisation's board of this kind and name, created the first time (with the organisation, by `employer`
    name, when it is new)."""
    if kind not in CONNECTORS:
        raise ValueError(f"unknown kind of board {kind!r}; one of {', '.join(CONNECTORS)}")
    if bool(token) == bool(url):
        raise ValueError("give the board's name or its address, not both")
    organisation = organisation or organisation_for_feed(employer)
    board, _ = JobBoard.objects.get_or_create(organisation=organisation, kind=kind, token=token, url=url)
    return board


@transaction.atomic
def board_remove(*, board: JobBoard) -> int:
    """Stop reading `board` and close its live postings (they came from it and nothing would keep them current).
    Returns the postings closed."""
    live = list(
        Posting.objects.filter(board=board, status=Posting.Status.PUBLISHED).select_related("employer", "role", "area")
    )
    closed = Posting.objects.filter(pk__in=[p.pk for p in live]).update(
        status=Posting.Status.CLOSED, updated_at=timezone.now()
    )
    for posting in live:
        posting.status = Posting.Status.CLOSED
    if closed:
        versions.bump("platform")
        webhooks.postings_changed(organisation_id=board.organisation_id, event=webhooks.EVENT_CLOSED, postings=live)
    board.delete()
    return closed


def board_refresh(*, board: JobBoard, path: Path | None = None) -> BoardReport:
    """Read `board` (or the recorded answer at `path`) and bring its postings up to date. A board that cannot be
    read raises BoardFetchError (its record says why; nothing else changes)."""
    connector = CONNECTORS[board.kind]
    name = label(connector, board.token, board.url)
    fetched = timezone.now()
    try:
        items = read_file(connector, path, board=name) if path else read(connector, token=board.token, url=board.url)
    except Exception as exc:
        JobBoard.objects.filter(pk=board.pk).update(fetched_at=fetched, succeeded=False, error=str(exc)[:2_000])
        raise
    report = _write(board, connector, items, fetched)
    JobBoard.objects.filter(pk=board.pk).update(
        fetched_at=fetched,
        succeeded=True,
        error="",
        imported=report.imported,
        closed=report.closed,
        rejected=report.rejected[:MAX_REJECTED],
    )
    return report


@transaction.atomic
def _write(board: JobBoard, connector: Connector, items: list[Any], fetched: datetime) -> BoardReport:
    report = BoardReport(read=len(items))
    places: dict[str, tuple[str, bool, str]] = {}
    seen: set[str] = set()
    source = f"{label(connector, board.token, board.url)}, read {fetched:%Y-%m-%d %H:%M} UTC"[:200]
    # One refresh of a board at a time (the board's row is locked until this one commits); its postings as they
    # were last written are read once, so an unchanged row costs a dictionary look-up, not a write.
    JobBoard.objects.select_for_update().filter(pk=board.pk).first()
    known = _known(board)
    unchanged: dict[datetime, list[int]] = defaultdict(list)
    now, data = timezone.now(), versions.version("data")
    with versions.batch(), webhooks.batched():  # one version bump, and the events written together at the end
        for number, item in enumerate(items, start=1):
            try:
                row = connector.row(item)
                external = _external_id(board, row, seen)
                fields = _fields(row, places)
                digest = _digest(fields, row, data)
                entry = _entry(board, row, external, source, fetched, digest, new=external not in known)
                if (pk := _unchanged(known.get(external), entry, now)) is not None:
                    unchanged[entry.expires_at or now].append(pk)
                else:
                    posting_upsert(organisation=board.organisation, fields=fields, feed=entry)
            except (RowError, PostingInvalid) as exc:
                report.rejected.append(f"posting {number}{_named(item)}: {exc}")
                continue
            report.imported += 1
        _touch(unchanged, fetched, source)
        # Written or touched in this refresh: fetched now. Any other live posting of this board has left it.
        gone = Posting.objects.filter(board=board, status=Posting.Status.PUBLISHED).exclude(fetched_at=fetched)
        leaving = list(gone.select_related("employer", "role", "area"))
        report.closed = Posting.objects.filter(pk__in=[p.pk for p in leaving]).update(
            status=Posting.Status.CLOSED, updated_at=fetched
        )
        if report.closed:
            versions.bump("platform")
            for posting in leaving:
                posting.status = Posting.Status.CLOSED
            webhooks.postings_changed(
                organisation_id=board.organisation_id, event=webhooks.EVENT_CLOSED, postings=leaving
            )
    return report


def _known(board: JobBoard) -> dict[str, tuple[int, str, str]]:
    """The organisation's postings with this kind of board's ids, by external id: (id, digest of the board's row
    last written, or "" when it was not written from this board, status)."""
    postings = Posting.objects.filter(employer=board.organisation_id, external_id__startswith=f"{board.kind}:")
    return {
        external: (pk, digest if board_id == board.pk else "", status)
        for external, pk, digest, status, board_id in postings.values_list(
            "external_id", "pk", "board_digest", "status", "board_id"
        )
    }


def _digest(fields: PostingFields, row: BoardRow, data: int) -> str:
    """What a posting is written from, as one digest: the normalised fields, the board's own dates (not the time
    it was read) and the data version (a new snapshot may suggest another role or resolve a place differently)."""
    dates = [when.isoformat() if when else "" for when in (row.posted_at, row.closes_at, row.updated_at)]
    content = json.dumps([fields.model_dump(mode="json"), dates, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode()).hexdigest()


def _unchanged(known: tuple[int, str, str] | None, entry: FeedEntry, now: datetime) -> int | None:
    """The posting's id when the board's row is as it was last written and the posting is live and stays so;
    else None (it goes through the write path: new, changed, back on the board, or its last day has passed)."""
    if known is None or entry.expires_at is None or entry.expires_at <= now:
        return None
    pk, digest, status = known
    return pk if digest == entry.digest and status == Posting.Status.PUBLISHED else None


def _touch(unchanged: dict[datetime, list[int]], fetched: datetime, source: str) -> None:
    """The unchanged postings read again: when and where they were read and another lifetime, in a few UPDATEs
    (one per expiry date, in chunks a database takes as parameters) instead of a write each."""
    for expires, ids in unchanged.items():
        for start in range(0, len(ids), _CHUNK):
            Posting.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
                fetched_at=fetched, source=source, expires_at=expires, updated_at=fetched
            )
    if unchanged:
        versions.bump("platform")  # their expiry dates moved


def _named(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    for key in ("title", "text", "name", "id", "MatchedObjectId"):
        if isinstance(item.get(key), (str, int)) and str(item[key]).strip():
            return f" ({str(item[key]).strip()[:80]})"
    return ""


def _external_id(board: JobBoard, row: BoardRow, seen: set[str]) -> str:
    # The board's id, marked with the kind of board (two systems may use the same numbers).
    external = f"{board.kind}:{row.external_id}"
    if len(external) > 100:
        raise RowError("its id is longer than 100 characters")
    if external in seen:
        raise RowError(f"id {row.external_id} appears twice on the board; the first is kept")
    seen.add(external)
    return external


def _entry(
    board: JobBoard, row: BoardRow, external: str, source: str, fetched: datetime, digest: str, *, new: bool
) -> FeedEntry:
    # Live while it is on the board: each refresh gives it another lifetime (up to the day applications close).
    expires = fetched + lifetime()
    if row.closes_at is not None:
        expires = min(expires, row.closes_at + timedelta(days=1) if row.closes_at.hour == 0 else row.closes_at)
    return FeedEntry(
        external_id=external,
        source=source,
        posted_at=row.posted_at or fetched,
        expires_at=expires,
        board_id=board.pk,
        fetched_at=fetched,
        board_updated_at=row.updated_at,
        digest=digest,
        new=new,
    )


def board_place(text: str, places: dict[str, tuple[str, bool, str]] | None = None) -> tuple[str, bool, str]:
    """Where a board's posting is, as (the place to save, whether it says remote, why it has no place): the first
    of its places that resolves ("Denver, CO; Austin, TX"); "Remote - US" style values are remote, without a place
    unless one is named ("Remote - Denver, CO"). A place nobody can resolve is refused, as everywhere else."""
    if places is not None and text in places:
        return places[text]
    remote, found, problem = False, "", ""
    for part in _SEPARATORS.split(text):
        if _REMOTE.search(part):
            remote = True
            part = _REMOTE.sub("", part).strip(" -–—,:()[]")
            if part.lower() in _COUNTRY:
                continue
        resolution = resolve(part)
        if resolution.place is not None:
            found = found or resolution.place.query
        elif not problem and part:
            problem = resolution.message
    answer = (found, remote, "" if found or remote else problem or "it says nowhere where the job is")
    if places is not None:
        places[text] = answer
    return answer


def _fields(row: BoardRow, places: dict[str, tuple[str, bool, str]]) -> PostingFields:
    location, remote, problem = board_place(row.location, places)
    if problem and row.arrangement != Posting.Arrangement.REMOTE:
        raise RowError(f"location: {problem}")
    arrangement = row.arrangement or (Posting.Arrangement.REMOTE if remote else Posting.Arrangement.ONSITE)
    pay = row.pay
    apply_url = row.apply_url if len(row.apply_url) <= 500 else ""
    try:
        return PostingFields.model_validate(
            {
                "title": row.title[:300],
                "location": location[:200],
                "arrangement": arrangement,
                "employment_type": row.employment_type,
                "salary_min": None if pay is None or pay.low is None else float(pay.low),
                "salary_max": None if pay is None or pay.high is None else float(pay.high),
                "salary_period": pay.period if pay else "",
                "description": row.description[:20_000],
                "apply_url": apply_url,
            }
        )
    except ValidationError as exc:
        raise RowError(
            "; ".join(f"{'.'.join(map(str, error['loc']))}: {field_message(error['msg'])}" for error in exc.errors())
        ) from None
