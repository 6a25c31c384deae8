"""What the background worker runs (django-q2, `manage.py qcluster`): feed imports sent through the API, and the
recurring jobs `manage.py setup_schedules` writes (SCHEDULES). Every task may run twice (a worker that died has its
task run again) and does the same thing once either way."""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule  # type: ignore[import-untyped]

from jobs.imports import postings as feeds
from jobs.services import feed_imports, idempotency, postings
from lib.db import refresh_statistics
from sources.parsing import DataFileError

logger = logging.getLogger("rolescope.tasks")


def feed_import_run(feed_import_id: int) -> str:
    """Import a feed kept by `POST /api/v1/jobs/import`. Run twice, it imports once: the claim lets one attempt at a
    time run it, and an attempt after a worker died redoes an import whose transaction was rolled back with it (its
    postings are upserts on their external ids, so nothing is doubled)."""
    feed_import = feed_imports.feed_import_claim(feed_import_id=feed_import_id)
    if feed_import is None:
        return f"feed import {feed_import_id}: nothing to do"
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


def sessions_clear_expired() -> str:
    """`manage.py clearsessions`: expired sessions are deleted (the session backend's own clear_expired)."""
    call_command("clearsessions")
    return "expired sessions cleared"


def idempotency_keys_purge() -> str:
    return f"{idempotency.idempotency_keys_purge()} Idempotency-Keys forgotten"


@dataclass(frozen=True)
class Recurring:
    """A schedule, by name: `manage.py setup_schedules` makes the database's schedules match these."""

    name: str
    func: str
    schedule_type: str  # Schedule.DAILY or Schedule.MINUTES
    at: time | None = None  # DAILY: the time of day, UTC
    minutes: int | None = None  # MINUTES: how often

    def first_run(self, now: datetime) -> datetime:
        if self.schedule_type == Schedule.MINUTES:
            return now + timedelta(minutes=self.minutes or 1)
        assert self.at is not None
        today = datetime.combine(now.date(), self.at, tzinfo=now.tzinfo)
        return today if today > now else today + timedelta(days=1)


SCHEDULES = (
    Recurring("postings: expire past their date", "jobs.tasks.postings_expire_daily", Schedule.DAILY, at=time(3, 0)),
    Recurring("sessions: clear expired", "jobs.tasks.sessions_clear_expired", Schedule.DAILY, at=time(3, 10)),
    Recurring(
        "api: forget Idempotency-Keys older than a day",
        "jobs.tasks.idempotency_keys_purge",
        Schedule.DAILY,
        at=time(3, 20),
    ),
    Recurring("feed imports: resume stalled", "jobs.tasks.feed_imports_resume", Schedule.MINUTES, minutes=5),
)


def schedules_ensure() -> dict[str, str]:
    """Create or update each of SCHEDULES by name; never a second one. Returns what happened to each (created,
    updated, unchanged). A schedule whose definition is unchanged keeps its next run."""
    outcome = {}
    now = timezone.now()
    for recurring in SCHEDULES:
        wanted = {
            "func": recurring.func,
            "schedule_type": recurring.schedule_type,
            "minutes": recurring.minutes,
            "repeats": -1,
            "args": None,
            "kwargs": None,
            "cron": None,
            "cluster": None,
        }
        with transaction.atomic():
            existing = Schedule.objects.select_for_update().filter(name=recurring.name).order_by("pk").first()
            if existing is None:
                Schedule.objects.create(name=recurring.name, next_run=recurring.first_run(now), **wanted)
                outcome[recurring.name] = "created"
            elif any(getattr(existing, field) != value for field, value in wanted.items()) or not existing.next_run:
                for field, value in wanted.items():
                    setattr(existing, field, value)
                existing.next_run = recurring.first_run(now)
                existing.save()
                outcome[recurring.name] = "updated"
            else:
                outcome[recurring.name] = "unchanged"
        # Two starts at once may both have created it: keep the oldest (each start does this after its own commit,
        # so whichever commits last removes the extra one).
        extra = Schedule.objects.filter(name=recurring.name).order_by("pk").values_list("pk", flat=True)[1:]
        Schedule.objects.filter(pk__in=list(extra)).delete()
    return outcome
