"""Query-count baselines (after NetBox's `utilities/testing/query_counts.py`): every page and list endpoint has
its number of SQL queries recorded in `<app>/tests/query_counts.json`, and a test fails when it changes, so an
N+1 cannot creep in unseen. `UPDATE_QUERY_COUNTS=1 make test` records the counts observed instead; review the
diff of the JSON files like code."""

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

UPDATE_ENV = "UPDATE_QUERY_COUNTS"
FILE_NAME = "query_counts.json"

_lock = threading.Lock()


def baseline_path(app_label: str) -> Path:
    return Path(apps.get_app_config(app_label).path) / "tests" / FILE_NAME


def _read(app_label: str) -> dict[str, int]:
    path = baseline_path(app_label)
    return json.loads(path.read_text()) if path.exists() else {}


def _record(app_label: str, name: str, count: int) -> None:
    with _lock:
        baseline = _read(app_label)
        baseline[name] = count
        baseline_path(app_label).write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")


@contextmanager
def expected_query_count(app_label: str, name: str) -> Iterator[None]:
    """Assert the block makes exactly the number of queries recorded for `name` in the app's baseline."""
    with CaptureQueriesContext(connection) as captured:
        yield
    actual = len(captured.captured_queries)
    if os.environ.get(UPDATE_ENV):
        _record(app_label, name, actual)
        return
    baseline = _read(app_label)
    if name not in baseline:
        raise AssertionError(f"No query-count baseline for {app_label}/{name}: run with {UPDATE_ENV}=1 to record it.")
    if actual != baseline[name]:
        observed = "\n".join(f"  {n}. {q['sql'][:200]}" for n, q in enumerate(captured.captured_queries, start=1))
        raise AssertionError(
            f"{app_label}/{name} made {actual} queries; the baseline is {baseline[name]}. If the change is meant, "
            f"run with {UPDATE_ENV}=1 and commit the new baseline.\nQueries:\n{observed}"
        )
