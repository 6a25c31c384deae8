"""Test fixtures shared by every app.

The bundled snapshot (real BLS, O*NET, Census, HUD, NCES data, trimmed) is loaded once per test
session into the test database; each test then runs in a transaction that is rolled back.
"""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from lib.ratelimit import forget_leases
from sources import versions

SHARED_DATA: Path = settings.ROLESCOPE_DATA_DIR
SNAPSHOT: Path = settings.ROLESCOPE_SNAPSHOT_DIR

requires_shared_data = pytest.mark.skipif(
    not (SHARED_DATA / "oews-2025").exists(), reason=f"the full public data folder {SHARED_DATA} is not beside the repo"
)


def pytest_configure(config):
    """The whole-release files (wages.downloads) go to a temporary folder, not the checkout's var/downloads."""
    settings.ROLESCOPE_DOWNLOAD_DIR = tempfile.mkdtemp(prefix="rolescope-downloads-")
    setattr(TestCase, "_should_check_constraints", _should_check_constraints)  # noqa: B010 (private in django-stubs)


_django_should_check_constraints = getattr(TestCase, "_should_check_constraints")  # noqa: B009


def _should_check_constraints(self, connection) -> bool:
    """Django checks every foreign key when a test's transaction is rolled back. On PostgreSQL that checks only the
    rows the test wrote (deferred constraints made immediate); on SQLite it is `PRAGMA foreign_key_check` over the
    whole loaded data (0.4 s a test, minutes a run). The suite runs on both databases in CI, so SQLite leaves the
    check to PostgreSQL, where it is exact and cheap."""
    if connection.vendor == "sqlite":
        return False
    return _django_should_check_constraints(self, connection)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """With `--reuse-db` (and a file for TEST_DATABASE_NAME on SQLite) a test database that already holds the
    snapshot is kept, so a developer's second run skips the load; pass `--create-db` after changing an importer."""
    with django_db_blocker.unblock():
        call_command("load_snapshot", verbosity=0, if_needed=request.config.getoption("reuse_db"))
        # Loading queued the worker's task that writes the whole-release files (wages.tasks); tests start with an
        # empty queue (and write those files when they ask for them).
        from django_q.models import OrmQ  # type: ignore[import-untyped]

        OrmQ.objects.all().delete()


@pytest.fixture
def shared_data() -> Path:
    return SHARED_DATA


@pytest.fixture
def snapshot_dir() -> Path:
    return SNAPSHOT


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items):
    """Browser tests run last: they start a server thread sharing the session's database. Tests that commit
    (transaction=True) run at the very end, because the database is emptied after each of them."""
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None, _commits(item)))


@pytest.fixture(autouse=True)
def fresh_versions():
    """Each test reads the versions afresh: a version bumped in a test that was rolled back is not current. Each
    starts with no rate-limit lease (lib.ratelimit), as its counters may be emptied."""
    versions.forget()
    forget_leases()


@pytest.fixture
def personas(db):
    """One person of each kind (accounts.testing lists what each may do)."""
    from accounts.testing import make_personas

    return make_personas()


@pytest.fixture
def query_baseline(db):
    """`query_baseline(app, name, client, url, params)`: the request's SQL queries equal the app's recorded
    baseline (lib.testing.query_counts). The request is made once first, so process memos are warm; the page cache
    is then emptied and the versions forgotten, so the counted request renders the page and reads the versions
    (one query) as a request to a warm worker does."""
    from django.core.cache import cache

    from lib.testing.query_counts import expected_query_count

    def check(app_label: str, name: str, client, url: str, params: dict | None = None) -> None:
        warm = client.get(url, params or {})
        assert warm.status_code == 200, (url, warm.status_code)
        cache.clear()
        versions.forget()
        with expected_query_count(app_label, name):
            response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)

    return check
