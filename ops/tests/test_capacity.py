"""gunicorn's workers per app server are sized so that every server together fits the database's connections
(ops/capacity.py), and a server warns at start when a hand-set WEB_CONCURRENCY does not fit. Before issue 18 the
default (2 per core + 1) times three replicas on a 16-core host asked for 99 connections of PostgreSQL's 100, before
the background worker and the operator."""

import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from ops.capacity import connection_warning, connections_needed, default_workers, reserved_connections

ROOT = Path(settings.BASE_DIR)


def test_the_default_workers_fit_max_connections():
    environ = {"DATABASE_MAX_CONNECTIONS": "100", "APP_REPLICAS": "3", "TASK_WORKERS": "2"}
    workers = default_workers(16, environ)
    assert workers == (100 - reserved_connections(2)) // 3 == 30
    assert connections_needed(replicas=3, workers=workers, threads=1, task_workers=2) <= 100
    assert default_workers(2, environ) == 5  # a small host keeps 2 per core + 1
    assert default_workers(16, {**environ, "GUNICORN_THREADS": "4"}) == 7
    assert default_workers(64, {"DATABASE_MAX_CONNECTIONS": "5"}) == 1  # never none


def test_a_total_over_max_connections_is_warned_about(settings):
    settings.APP_REPLICAS = 3
    settings.TASK_WORKERS = 2
    assert connection_warning(workers=30, threads=1, max_connections=100) is None
    message = connection_warning(workers=33, threads=1, max_connections=100)
    assert message is not None and "109 database connections" in message and "pgbouncer" in message


def test_gunicorn_warns_at_start_when_web_concurrency_exceeds_the_database(tmp_path):
    """The server's start (gunicorn's on_starting, as deploy/entrypoint web runs it) logs the warning."""
    code = (
        "import importlib.util, logging, sys; "
        "spec = importlib.util.spec_from_file_location('conf', 'deploy/gunicorn.conf.py'); "
        "conf = importlib.util.module_from_spec(spec); spec.loader.exec_module(conf); "
        "server = type('S', (), {'cfg': type('C', (), {'workers': 40, 'threads': 1})()})(); "
        "logging.basicConfig(stream=sys.stdout); conf.connections_check(server)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "DEBUG": "true",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "APP_REPLICAS": "3",
            "DATABASE_MAX_CONNECTIONS": "100",
            "LOG_FORMAT": "text",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stdout + done.stderr
    assert "rolescope.capacity" in said and "more than the database's max_connections (100)" in said
    assert logging.getLogger("rolescope.capacity")  # the logger operators filter on
