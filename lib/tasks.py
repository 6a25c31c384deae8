"""Queueing background work for the worker (django-q2), the same way from every app."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task  # type: ignore[import-untyped]


def task_enqueue(function: str, *args: Any) -> None:
    """Queue `function(*args)` for a worker (django-q2). On the database queue the task is written in the caller's
    transaction, so it exists if and only if the write that needs it is committed. On Redis it is sent once the
    transaction has committed (a task lost in between is the caller's to send again: `jobs.tasks.feed_imports_resume`
    for feeds; a release's download is written on first request when missing)."""
    if settings.Q_CLUSTER.get("orm"):
        async_task(function, *args)
    else:
        transaction.on_commit(lambda: async_task(function, *args), robust=True)
