"""The background worker's schedules (django-q2): `manage.py setup_schedules` makes the database's schedules match
the recurring jobs every app registered (`lib.schedules`), by name."""

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule  # type: ignore[import-untyped]

from lib.schedules import Recurring, registered_recurring


def _wanted(recurring: Recurring) -> dict[str, object]:
    return {
        "func": recurring.func,
        "schedule_type": Schedule.MINUTES if recurring.minutes is not None else Schedule.DAILY,
        "minutes": recurring.minutes,
        "repeats": -1,
        "args": None,
        "kwargs": None,
        "cron": None,
        "cluster": None,
    }


def schedules_ensure() -> dict[str, str]:
    """Create or update each registered recurring job by name; never a second one. Returns what happened to each
    (created, updated, unchanged). A schedule whose definition is unchanged keeps its next run."""
    outcome = {}
    now = timezone.now()
    for recurring in registered_recurring():
        wanted = _wanted(recurring)
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
