"""What the background worker runs for the job board (django-q2, `manage.py qcluster`): feed imports sent through the
API, and the job board's recurring jobs (SCHEDULES, registered in `jobs.apps`; `manage.py setup_schedules` writes
them). Every task may run twice (a worker that died has its
task run again) and does the same thing once either way."""

import logging
from datetime import time

from jobs.boards.client import BoardFetchError
from jobs.imports import postings as feeds
from jobs.models import JobBoard, SavedSearch
from jobs.services import alerts, boards, feed_imports, idempotency, postings, webhooks
from lib.db import refresh_statistics
from lib.schedules import Recurring
from sources.parsing import DataFileError

logger = logging.getLogger("rolescope.tasks")


def feed_import_run(feed_import_id: int) -> str:
    """Import a feed kept by `POST /api/v1/jobs/import`. Run twice, it imports once: the claim lets one attempt at a
    time run it, and an attempt after a worker died redoes an import whose transaction was rolled back with it (its
    postings are upserts on their external ids, so nothing is doubled)."""
    feed_import = feed_imports.feed_import_claim(feed_import_id=feed_import_id)
    if feed_import is None:
        return f"feed import {feed_import_id}: nothing to do"
    feed_import_id = feed_import.pk  # organisations take turns: this task may run another's import first
    try:
        with feeds.feed_file(bytes(feed_import.body), feed_import.content_type) as path:
            run, rejected = feeds.load(path, employer=feed_import.organisation)
    except DataFileError as exc:
        # The request read the feed before keeping it; this is a feed the parser has come to refuse since.
        feed_imports.feed_import_failed(
            feed_import=feed_import, error=str(exc).replace(str(path), "the feed"), retry=False
        )
        return f"feed import {feed_import_id}: failed ({exc})"
    except Exception as exc:
        # A passing failure (a lost connection, a locked database): the import waits for the broker's retry.
        feed_imports.feed_import_failed(feed_import=feed_import, error=f"{exc.__class__.__name__}: {exc}", retry=True)
        raise
    feed_imports.feed_import_done(feed_import=feed_import, run=run, rejected=rejected)
    return f"feed import {feed_import_id}: {run.rows_written} imported, {len(rejected)} rejected"


def feed_imports_resume() -> str:
    resumed = feed_imports.feed_imports_resume()
    if resumed:
        logger.warning("feed imports sent to the worker again (their tasks were lost): %s", resumed)
    return f"{len(resumed)} feed imports resumed"


def postings_expire_daily() -> str:
    """`manage.py expire_postings`: postings past their date are expired, then the planner's statistics refreshed."""
    expired = postings.postings_expire()
    refresh_statistics()
    return f"{expired} postings expired"


def idempotency_keys_purge() -> str:
    return f"{idempotency.idempotency_keys_purge()} Idempotency-Keys forgotten"


def boards_refresh() -> str:
    """Read every active job board again. A board that cannot be read keeps its postings (they expire after their
    lifetime if it stays unreadable) and says why on its record; the others are refreshed all the same."""
    refreshed, failed = 0, []
    for board in JobBoard.objects.filter(active=True).select_related("organisation").order_by("pk"):
        try:
            boards.board_refresh(board=board)
        except BoardFetchError as exc:
            logger.warning("job board not refreshed: %s", exc)
            failed.append(str(board.pk))
            continue
        refreshed += 1
    return f"{refreshed} job boards refreshed, {len(failed)} could not be read ({', '.join(failed) or 'none'})"


def job_alerts_daily() -> str:
    """The daily email of new matches for saved searches and open-to-work candidates (jobs.services.alerts)."""
    return str(alerts.alerts_send(frequency=SavedSearch.Frequency.DAILY))


def job_alerts_instant() -> str:
    """Instant alerts: queued when a posting is published, and every few minutes in case a request was lost."""
    return str(alerts.alerts_send(frequency=SavedSearch.Frequency.INSTANT))


def board_refresh_run(board_id: int) -> str:
    """Read one board now (the site's "Read it now", and a board just added there). One that cannot be read says why
    on its record."""
    board = JobBoard.objects.select_related("organisation").filter(pk=board_id).first()
    if board is None:
        return f"job board {board_id}: removed"
    try:
        report = boards.board_refresh(board=board)
    except BoardFetchError as exc:
        return f"job board {board_id}: not read ({exc})"
    return f"job board {board_id}: {report.imported} live, {report.closed} closed, {len(report.rejected)} rejected"


def webhook_deliver(delivery_id: int) -> str:
    """Send one webhook delivery if it is due (a task run twice sends it once); a failure is tried again later by
    `webhooks_retry_due`, after its backoff, not by the broker."""
    delivery = webhooks.delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return f"webhook delivery {delivery_id}: not due"
    return f"webhook delivery {delivery_id}: {delivery.status} (attempt {delivery.attempts})"


def webhook_deliver_many(delivery_ids: list[int]) -> str:
    """`webhook_deliver` for each of a few deliveries (queued together: one task a batch, not one a delivery)."""
    return "; ".join(webhook_deliver(delivery_id) for delivery_id in delivery_ids)


def webhooks_retry_due() -> str:
    return f"{len(webhooks.deliveries_due())} webhook deliveries sent again"


SCHEDULES = (
    Recurring("postings: expire past their date", "jobs.tasks.postings_expire_daily", at=time(3, 0)),
    Recurring("api: forget Idempotency-Keys older than a day", "jobs.tasks.idempotency_keys_purge", at=time(3, 20)),
    Recurring("feed imports: resume stalled", "jobs.tasks.feed_imports_resume", minutes=5),
    Recurring("job boards: read every active board again", "jobs.tasks.boards_refresh", minutes=360),
    Recurring("job alerts: daily email of new matches", "jobs.tasks.job_alerts_daily", at=time(13, 0)),
    Recurring("job alerts: instant, any not yet sent", "jobs.tasks.job_alerts_instant", minutes=10),
    Recurring("webhooks: send deliveries due again", "jobs.tasks.webhooks_retry_due", minutes=1),
)
