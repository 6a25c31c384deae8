import csv
import gzip
import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.utils import timezone
from django_q.conf import Conf  # type: ignore[import-untyped]
from django_q.models import OrmQ, Task  # type: ignore[import-untyped]

from accounts.models import Organisation
from accounts.services import api_key_create
from accounts.testing import member
from sources.models import ImportRun


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_inline(monkeypatch):
    """Background tasks run as they are queued, in the test's transaction (django-q2's sync mode), so a feed sent
    to the API is imported before its status is read. test_background_work.py turns it off to use the real queue."""
    monkeypatch.setattr(Conf, "SYNC", True)


@dataclass
class Committed:
    organisation: Organisation
    key: str
    database_url: str


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """For tests whose requests run in other threads or processes, which must see what the test wrote: database
    access outside a test transaction (every write is committed), an organisation with a key, and the test database's
    DATABASE_URL. What the test wrote (the organisation and everything of it, runs, tasks) is deleted afterwards.
    Skipped on an in-memory SQLite test database, which other processes cannot open (TEST_DATABASE_NAME=<a file>)."""
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
        name, test_name = str(settings_dict["NAME"]), settings_dict["TEST"].get("NAME")
        if name != test_name and not name.startswith("test_") and "mode=memory" not in name:
            # pytest-django sets the test database up only when a collected test is marked django_db (or asks for
            # `db`): without one, this would be the development database.
            pytest.skip("no test database was set up: run this with the other tests of jobs/tests")
        if connection.vendor == "sqlite":
            if connection.is_in_memory_db():
                pytest.skip("the SQLite test database is in memory; set TEST_DATABASE_NAME to a file to run this")
            database_url = f"sqlite:///{settings_dict['NAME']}"
        else:
            password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
            database_url = (
                f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or 'localhost'}:"
                f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
            )
        began, last_run = timezone.now(), ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        user = member("committed-ada", "Committed Robotics")
        organisation = user.profile.employer
        key = api_key_create(user=user, name="HR system", employer=organisation)[1]
        try:
            yield Committed(organisation=organisation, key=key, database_url=database_url)
        finally:
            Organisation.objects.filter(pk=organisation.pk).delete()  # postings, feed imports, keys' answers
            User.objects.filter(pk=user.pk).delete()
            ImportRun.objects.filter(pk__gt=last_run).delete()
            Task.objects.filter(started__gte=began).delete()
            OrmQ.objects.all().delete()


def import_feed(key: str, body, content_type: str = "application/json", **headers):
    """POST a feed as a client would, then, if it was accepted (202), read its status where the 202 says: the worker
    has run it (tasks run inline), so the answer is the finished report. A refusal (4xx) is returned as it came."""
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    # On Redis the task is sent after the commit, which a test (one transaction, rolled back) never reaches.
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = Client().post(
            "/api/v1/jobs/import", data=data, content_type=content_type, HTTP_X_API_KEY=key, **headers
        )
    if answer.status_code != 202:
        return answer
    queued = answer.json()
    assert answer["Location"] == queued["url"] == f"/api/v1/jobs/imports/{queued['id']}", queued
    assert queued["status"] == "queued" and queued["rejected"] is None and queued["content_type"] == content_type
    status = Client().get(answer["Location"], HTTP_X_API_KEY=key)
    assert status.status_code == 200 and status["Cache-Control"] == "private, no-store", status.content
    assert status.json()["status"] == "done", status.json()
    return status


@pytest.fixture
def acme():
    return member("ada", "Acme Robotics")


@pytest.fixture
def globex():
    return member("gus", "Globex")


def oews_row(snapshot_dir, area: str, occupation: str) -> dict[str, str]:
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["AREA"] == area and r["OCC_CODE"] == occupation)


POSTING = {
    "title": "Senior Back-End Developer",
    "role": "",
    "location": "Austin, TX",
    "arrangement": "hybrid",
    "employment_type": "full_time",
    "salary_min": "90000",
    "salary_max": "100000",
    "salary_period": "year",
    "description": (
        "We build **robots**.\n\n- Python\n- PostgreSQL\n\n<script>alert('x')</script>[bad](javascript:alert(1))"
    ),
    "apply_url": "https://acme.example/jobs/1",
    "apply_email": "",
}
