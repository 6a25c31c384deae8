"""Recurring background jobs, registered by the app whose work they are.

An app registers its `Recurring` jobs from its AppConfig.ready() (`jobs` expires postings, `ops` clears sessions);
`manage.py setup_schedules` (`ops.schedules`) makes the worker's schedules match every registered one by name. The
registry lives here, below every app, so an app declares its jobs without importing `ops`.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta


@dataclass(frozen=True)
class Recurring:
    """A recurring job, by name: daily at a time of day (UTC), or every few minutes."""

    name: str
    func: str  # the dotted path of the task the worker runs
    at: time | None = None  # daily, at this time of day (UTC)
    minutes: int | None = None  # or every this many minutes

    def __post_init__(self) -> None:
        if (self.at is None) == (self.minutes is None):
            raise ValueError(f"{self.name}: a recurring job runs daily `at` a time or every few `minutes`, not both.")

    def first_run(self, now: datetime) -> datetime:
        if self.minutes is not None:
            return now + timedelta(minutes=self.minutes)
        assert self.at is not None
        today = datetime.combine(now.date(), self.at, tzinfo=now.tzinfo)
        return today if today > now else today + timedelta(days=1)


_registered: dict[str, Recurring] = {}


def register_recurring(*jobs: Recurring) -> None:
    """Add recurring jobs (idempotent by name: registering one again replaces it)."""
    for job in jobs:
        _registered[job.name] = job


def registered_recurring() -> list[Recurring]:
    return list(_registered.values())
