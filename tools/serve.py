"""Run the app under gunicorn on loopback with production settings, for load tests and API fuzzing.

The database is the one DATABASE_URL names (the SQLite file by default), migrated and loaded with the
bundled snapshot if needed.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[tuple[str, str]]:
    """Yield (base URL, API key with a very high limit) while gunicorn serves the app."""
    port = free_port()
    env = production_env(port)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_snapshot", "--if-needed")
    manage(env, "collectstatic", "--noinput", "-v0")
    key = manage(env, "create_api_key", "loadtest", "load tests and fuzzing", "--rate", "100000000").splitlines()[-1]
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            # No request-line limit here: the schema lets a query reach several kB once percent-encoded.
            "--limit-request-line",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=30)
