"""Feeds sent through the API: kept (`feed_import_create`) and imported by a worker (`jobs.tasks.feed_import_run`),
each import claimed by one attempt at a time and resumed when its task was lost.

One organisation cannot fill the queue or the database: it may have FEED_IMPORTS_WAITING_PER_ORGANISATION imports
waiting (queued or running) holding at most FEED_IMPORT_BYTES_PER_ORGANISATION bytes of feeds, and the workers take
organisations in turn (each task runs the waiting import of the organisation served least recently), so twelve
feeds from one do not hold back another's one."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Length
from django.utils import timezone

from accounts.models import Organisation
from jobs.models import FeedImport
from lib.tasks import task_enqueue
from sources.models import ImportRun


class FeedImportsFull(Exception):
    """The organisation has as many imports (or bytes of feeds) waiting as it may."""


WAITING = (FeedImport.Status.QUEUED, FeedImport.Status.RUNNING)


def _refuse_when_full(organisation: Organisation, size: int) -> None:
    # The organisation's row lock makes its concurrent requests take turns, so two cannot both take the last place.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    waiting = FeedImport.objects.filter(organisation=organisation, status__in=WAITING)
    held = waiting.aggregate(count=Count("pk"), size=Sum(Length("body")))
    if held["count"] >= settings.FEED_IMPORTS_WAITING_PER_ORGANISATION:
        raise FeedImportsFull(
            f"Your organisation has {held['count']} imports waiting, the most it may have; send this feed once one "
            f"has finished (see GET /api/v1/jobs/imports/{{import_id}})."
        )
    if (held["size"] or 0) + size > settings.FEED_IMPORT_BYTES_PER_ORGANISATION:
        raise FeedImportsFull(
            f"Your organisation's waiting imports and this feed come to more than "
            f"{settings.FEED_IMPORT_BYTES_PER_ORGANISATION:,} bytes; send it once they have finished."
        )


@transaction.atomic
def feed_import_create(
    *, organisation: Organisation, sent_by: User | None, content_type: str, body: bytes
) -> FeedImport:
    """Keep a feed for a worker to import, with the task that imports it (both committed, or neither). Raises
    FeedImportsFull when the organisation already has as many imports, or bytes of feeds, waiting as it may."""
    _refuse_when_full(organisation, len(body))
    feed_import = FeedImport.objects.create(
        organisation=organisation, sent_by=sent_by, content_type=content_type, body=body
    )
    task_enqueue("jobs.tasks.feed_import_run", feed_import.pk)
    return feed_import


def feed_import_lease() -> timedelta:
    """How long a started import may take: django-q2 stops a task at its timeout, so an import still marked running
    after the timeout (and a margin for the worker's guard) was left by a worker that died."""
    return timedelta(seconds=settings.TASK_TIMEOUT_SECONDS + 30)


def _next_due(waiting: Q, feed_import_id: int) -> int:
    """The waiting import to run now: the oldest of the organisation whose last import started longest ago (one
    never served first). Every import has one task, and each task runs one import, so all of them run; only the
    order is fair. `feed_import_id` (the task's own) when nothing else waits."""
    last_started = (
        FeedImport.objects.filter(organisation=OuterRef("organisation"), started_at__isnull=False)
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    due = (
        FeedImport.objects.filter(waiting)
        .annotate(last_served=Subquery(last_started))
        .order_by(F("last_served").asc(nulls_first=True), "received_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return due if due is not None else feed_import_id


@transaction.atomic
def feed_import_claim(*, feed_import_id: int) -> FeedImport | None:
    """Mark the import due now (`_next_due`: organisations take turns; usually the task's own, `feed_import_id`) as
    running for this attempt and return it; None when there is nothing to do: every import is done, failed, or
    running under a live worker (so a task delivered twice imports once). An import left running by a worker that
    died is taken over; one that has been started TASK_MAX_ATTEMPTS times already is failed instead."""
    now = timezone.now()
    waiting = Q(status=FeedImport.Status.QUEUED) | Q(
        status=FeedImport.Status.RUNNING, started_at__lt=now - feed_import_lease()
    )
    # The row lock makes two claims take turns; the second finds the import running and leaves it (and its task
    # then has nothing to do: the other import's task runs this one's turn).
    feed_import = FeedImport.objects.select_for_update().filter(waiting, pk=_next_due(waiting, feed_import_id)).first()
    if feed_import is None:
        return None
    if feed_import.attempts >= settings.TASK_MAX_ATTEMPTS:
        feed_import.status = FeedImport.Status.FAILED
        feed_import.finished_at = now
        last = feed_import.error or "the worker stopped during the import"
        feed_import.error = f"Stopped after {feed_import.attempts} attempts; the last: {last}"[:10_000]
        feed_import.save(update_fields=["status", "finished_at", "error"])
        return None
    feed_import.status = FeedImport.Status.RUNNING
    feed_import.started_at = now
    feed_import.attempts += 1
    feed_import.save(update_fields=["status", "started_at", "attempts"])
    return feed_import


def _this_attempt(feed_import: FeedImport) -> Any:
    # Only the attempt that claimed the import records how it ended: one that outlived its lease (and was taken over)
    # changes nothing. Its postings were upserts on their external ids, so a second import wrote no duplicate.
    return FeedImport.objects.filter(pk=feed_import.pk, status=FeedImport.Status.RUNNING, attempts=feed_import.attempts)


def feed_import_done(*, feed_import: FeedImport, run: ImportRun, rejected: list[str]) -> bool:
    """Record the report of an import that ran (its feed is no longer kept). False if another attempt took over."""
    return bool(
        _this_attempt(feed_import).update(
            status=FeedImport.Status.DONE,
            finished_at=timezone.now(),
            rows_read=run.rows_read,
            imported=run.rows_written,
            rejected=rejected,
            source=run.release,
            run=run,
            error="",
            body=b"",
        )
    )


def feed_import_failed(*, feed_import: FeedImport, error: str, retry: bool) -> bool:
    """Record a failed attempt: with `retry` (a passing failure) the import waits for another attempt while it has
    attempts left; otherwise it has failed for good. False if another attempt took over."""
    now = timezone.now()
    again = retry and feed_import.attempts < settings.TASK_MAX_ATTEMPTS
    return bool(
        _this_attempt(feed_import).update(
            status=FeedImport.Status.QUEUED if again else FeedImport.Status.FAILED,
            error=error[:10_000],
            queued_at=now if again else feed_import.queued_at,
            finished_at=None if again else now,
        )
    )


@transaction.atomic
def feed_imports_resume() -> list[int]:
    """Send a task again for each import whose task was lost: queued (or left running by a worker that died) for
    longer than the broker's retry period. The database queue never loses one; Redis can (a worker killed while
    holding tasks, or a web process gone between its commit and the send). Returns the imports sent again."""
    now = timezone.now()
    retry = timedelta(seconds=settings.TASK_RETRY_SECONDS)
    stalled = FeedImport.objects.filter(queued_at__lt=now - retry).filter(
        Q(status=FeedImport.Status.QUEUED)
        | Q(status=FeedImport.Status.RUNNING, started_at__lt=now - feed_import_lease())
    )
    resumed = list(stalled.select_for_update().order_by("queued_at").values_list("pk", flat=True)[:100])
    FeedImport.objects.filter(pk__in=resumed).update(queued_at=now)
    for pk in resumed:
        task_enqueue("jobs.tasks.feed_import_run", pk)
    return resumed
