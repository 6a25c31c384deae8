"""The recurring jobs: each app registers its own (lib.schedules), `setup_schedules` writes every one once, by name,
and the project-wide one (clearing expired sessions) does its work."""

from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule  # type: ignore[import-untyped]

from lib.schedules import Recurring, registered_recurring
from ops import tasks

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_own_recurring_jobs():
    funcs = {recurring.func for recurring in registered_recurring()}
    assert {
        "jobs.tasks.postings_expire_daily",
        "jobs.tasks.idempotency_keys_purge",
        "jobs.tasks.feed_imports_resume",
        "ops.tasks.sessions_clear_expired",
    } <= funcs


def test_a_recurring_job_runs_daily_or_every_few_minutes_not_both():
    with pytest.raises(ValueError, match="not both"):
        Recurring("twice", "ops.tasks.sessions_clear_expired")


def test_setup_schedules_creates_each_once_and_updates_by_name():
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    names = [recurring.name for recurring in registered_recurring()]
    assert out.getvalue().count(": created") == len(names)
    daily = Schedule.objects.get(name="postings: expire past their date")
    assert daily.func == "jobs.tasks.postings_expire_daily" and daily.schedule_type == Schedule.DAILY
    assert daily.next_run > timezone.now() and daily.next_run.strftime("%H:%M") == "03:00"
    every = Schedule.objects.get(name="feed imports: resume stalled")
    assert every.schedule_type == Schedule.MINUTES and every.minutes == 5
    # Started again (every container start): nothing new, the next runs kept.
    call_command("setup_schedules", stdout=out)
    assert sorted(Schedule.objects.values_list("name", flat=True)) == sorted(names)
    assert Schedule.objects.get(pk=daily.pk).next_run == daily.next_run
    # A schedule changed by hand is put back; a duplicate (two starts at once) is removed, the oldest kept.
    Schedule.objects.filter(pk=daily.pk).update(func="jobs.tasks.somewhere_else", schedule_type=Schedule.HOURLY)
    Schedule.objects.create(name=daily.name, func=daily.func, schedule_type=Schedule.DAILY)
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "postings: expire past their date: updated" in out.getvalue()
    assert list(Schedule.objects.filter(name=daily.name).values_list("pk", "func", "schedule_type")) == [
        (daily.pk, "jobs.tasks.postings_expire_daily", Schedule.DAILY)
    ]
    assert Schedule.objects.count() == len(names)


def test_a_schedule_written_before_the_move_is_pointed_at_its_new_task():
    """The session clean-up ran as jobs.tasks.sessions_clear_expired: the next start updates it by name."""
    Schedule.objects.create(
        name="sessions: clear expired", func="jobs.tasks.sessions_clear_expired", schedule_type=Schedule.DAILY
    )
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "sessions: clear expired: updated" in out.getvalue()
    assert Schedule.objects.get(name="sessions: clear expired").func == "ops.tasks.sessions_clear_expired"


def test_expired_sessions_are_cleared():
    expired, current = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    current.create()
    assert tasks.sessions_clear_expired() == "expired sessions cleared"
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
