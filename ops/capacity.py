"""How many gunicorn workers an app server runs, so that every server together stays within the database's
connections (docs/operations.md, Database connections).

Each worker thread keeps one database connection (DATABASE_CONN_MAX_AGE), so a deployment holds
    APP_REPLICAS x workers x GUNICORN_THREADS + RESERVED
where RESERVED is the background worker (TASK_WORKERS processes and its scheduler, monitor and pusher: 3) plus 5 for
the operator (migrations, a backup, psql). The default workers per server are the usual 2 per core + 1, lowered to
    (DATABASE_MAX_CONNECTIONS - RESERVED) // (APP_REPLICAS x GUNICORN_THREADS)
when that is smaller (never below 1). WEB_CONCURRENCY set by hand wins; the server then warns at start when the total
can exceed the database's max_connections. Beyond that, put pgbouncer (transaction pooling) in front of PostgreSQL.

No Django import at module level: deploy/gunicorn.conf.py reads this before the app is loaded.
"""

import os

OPERATOR_CONNECTIONS = 5
WORKER_SIDE_PROCESSES = 3  # django-q2's scheduler/sentinel, monitor and pusher


def _int(environ: dict[str, str] | os._Environ[str], name: str, default: int) -> int:
    raw = (environ.get(name) or "").strip()
    return int(raw) if raw else default


def reserved_connections(task_workers: int) -> int:
    return task_workers + WORKER_SIDE_PROCESSES + OPERATOR_CONNECTIONS


def default_workers(cores: int, environ: dict[str, str] | os._Environ[str] = os.environ) -> int:
    """Workers per app server when WEB_CONCURRENCY is not set: 2 per core + 1, within the connection budget."""
    budget = _int(environ, "DATABASE_MAX_CONNECTIONS", 100) - reserved_connections(_int(environ, "TASK_WORKERS", 2))
    per_server = budget // (max(1, _int(environ, "APP_REPLICAS", 1)) * max(1, _int(environ, "GUNICORN_THREADS", 1)))
    return max(1, min(cores * 2 + 1, per_server))


def connections_needed(*, replicas: int, workers: int, threads: int, task_workers: int) -> int:
    return replicas * workers * threads + reserved_connections(task_workers)


def connection_warning(*, workers: int, threads: int, max_connections: int) -> str | None:
    """A warning when this deployment's servers can open more connections than the database accepts, else None."""
    from django.conf import settings

    needed = connections_needed(
        replicas=settings.APP_REPLICAS, workers=workers, threads=threads, task_workers=settings.TASK_WORKERS
    )
    if needed <= max_connections:
        return None
    return (
        f"{settings.APP_REPLICAS} app server(s) x {workers} workers x {threads} thread(s), the background worker and "
        f"{OPERATOR_CONNECTIONS} for the operator can open {needed} database connections, more than the database's "
        f"max_connections ({max_connections}): lower WEB_CONCURRENCY (unset, it is sized to fit), raise "
        "max_connections, or put pgbouncer in front (docs/operations.md, Database connections)."
    )


def database_max_connections() -> int:
    """The server's own max_connections on PostgreSQL (DATABASE_MAX_CONNECTIONS otherwise, or if it cannot be read)."""
    from django.conf import settings
    from django.db import DatabaseError, connection

    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW max_connections")
                return int(cursor.fetchone()[0])
        except DatabaseError:
            pass
    return int(settings.DATABASE_MAX_CONNECTIONS)
