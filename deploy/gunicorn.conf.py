"""gunicorn for rolescope: the one copy the container image, `make faults`, the benchmarks and the API fuzz use.

Every value can be changed with an environment variable (see docs/operations.md):
GUNICORN_BIND, WEB_CONCURRENCY (workers), GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT,
GUNICORN_MAX_REQUESTS, GUNICORN_ACCESS_LOG (on|off), GUNICORN_PRELOAD (on|off), PROMETHEUS_MULTIPROC_DIR.
"""

import json
import logging
import multiprocessing
import os
import shutil
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from ops.capacity import default_workers


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # a container listens on its own interface
# Two workers a core, plus one (the pages do some work in Python but also wait on the database), lowered so that
# APP_REPLICAS servers fit in DATABASE_MAX_CONNECTIONS (ops/capacity.py has the formula).
workers = _int("WEB_CONCURRENCY", default_workers(multiprocessing.cpu_count()))
threads = _int("GUNICORN_THREADS", 1)
# A request taking longer than this is stopped (its worker restarted); nginx waits a little longer.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM, requests in flight get this long to finish before the workers stop.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = 5
# Workers are replaced now and then (with jitter, never all at once), which bounds any slow leak. Not too often: a
# fresh worker rebuilds its memos (a role's first page costs 20-60 ms), and a worker answering 2,000 cached requests
# a second reached 50,000 in under half a minute (bench/floor.py counts the
# replacements). At 500,000 a busy worker is replaced every few minutes, a quiet one every few days.
max_requests = _int("GUNICORN_MAX_REQUESTS", 500_000)
max_requests_jitter = max_requests // 10
# A request line of at most 8190 bytes (gunicorn's largest limit; 0 would mean up to 1 MB), as nginx's
# large_client_header_buffers (8k) in front: the API's longest query, percent-encoded, is a few kB.
limit_request_line = 8190
# Workers' heartbeat files in memory, not on a (possibly slow) disk, as gunicorn's docs advise for containers.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn's own files, created and removed by it)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# One line per request: the app's own (`rolescope.request`, with the route, status, time, queries and request id),
# so gunicorn's access log is off unless asked for (GUNICORN_ACCESS_LOG=on, e.g. to see requests the app never saw).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "off") == "on" else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "rolescope"
# The app is loaded, and its indexes built (config/warm.py), once in the master; workers are forked from it and share
# those pages. Off: each worker loads the app and builds its indexes on its first requests.
preload_app = os.environ.get("GUNICORN_PRELOAD", "on") == "on"
# gunicorn's control socket (`gunicornc`) is one path per user: several servers on one machine would take it from
# each other. Signals (HUP, TERM, TTIN/TTOU) do what we need.
control_socket_disable = True


class JsonErrorFormatter(logging.Formatter):
    """gunicorn's own lines (starting, worker timeouts, errors) as JSON objects, like every other line we write."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": "gunicorn.error",
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


class JsonLogger(Logger):
    """gunicorn's access log (when on) and its own error log as one JSON object per line."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonErrorFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = dict(resp.headers) if isinstance(resp.headers, list) else {}
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(str(resp.status).split()[0]) if resp.status else None,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "request_id": headers.get("X-Request-ID") or headers.get("x-request-id"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info(json.dumps(line))


logger_class = JsonLogger


def metrics_directory_empty() -> None:
    """A server starts with an empty metrics directory: counts left by a previous run would be added to its own."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


# Now, as the master reads this file: with preload_app the app (whose middleware checks the directory) is loaded
# before gunicorn's first hook runs.
metrics_directory_empty()


def on_starting(server: Any) -> None:
    """Before the port is bound: prepare the database when the entrypoint asks (ROLESCOPE_PREPARE=on: wait for it,
    migrate and load the bundled data once, in this process rather than one of its own), then build what every
    worker needs (preload_app). A load balancer's connection is refused until the workers can answer it, so it goes
    to another server meanwhile."""
    if os.environ.get("ROLESCOPE_PREPARE") == "on":
        import django
        from django.core.management import call_command

        django.setup()  # done already when the app was preloaded
        call_command("prepare")
    if os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings") == "config.settings":
        connections_check(server)
    # rolescope's own settings only: the benchmarks run a bare Django app with this same file (bench/bare).
    if server.cfg.preload_app and os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings") == "config.settings":
        from config.warm import warm_before_fork

        warm_before_fork()
    else:
        from django.db import connections

        connections.close_all()  # nothing that holds a socket crosses the fork


def connections_check(server: Any) -> None:
    """A warning at start when APP_REPLICAS servers of this size, the background worker and the operator can open
    more database connections than the server's max_connections (ops/capacity.py)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from ops.capacity import connection_warning, database_max_connections

    message = connection_warning(
        workers=server.cfg.workers, threads=server.cfg.threads, max_connections=database_max_connections()
    )
    if message:
        logging.getLogger("rolescope.capacity").warning(message)


def post_fork(server: Any, worker: Any) -> None:
    """In each new worker, before it takes a request: its own database and Redis connections, and one role page
    rendered again, so its first request pays neither connections nor the first touch of the pages it shares with
    the master (config/warm.py)."""
    if server.cfg.preload_app and os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings") == "config.settings":
        from config.warm import warm_worker

        warm_worker()


def child_exit(server: Any, worker: Any) -> None:
    """A worker that is gone stops counting in the live gauges of /metrics (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
