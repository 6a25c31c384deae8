"""A database that does not answer gives 503 with Retry-After on pages and in the API, never a 500: checked in a
process whose DATABASE_URL names a PostgreSQL port where nothing listens (a real refused connection)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import json
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {}
for url in ("/roles/registered-nurses/?location=Austin%2C+TX", "/jobs/", "/api/v1/wages?occupation=29-1141"):
    response = client.get(url)
    answers[url] = [response.status_code, response.get("Retry-After"), response.get("Content-Type"),
                    response.content.decode()[:2000]]
print(json.dumps(answers))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_a_database_that_does_not_answer_gives_503_with_retry_after():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 40,  # a test process's key, not a secret
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/nothing",
        "LOG_FORMAT": "text",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    for url, (status, retry_after, content_type, body) in answers.items():
        assert (status, retry_after) == (503, "5"), (url, status, body)
        if url.startswith("/api/"):
            problem = json.loads(body)
            assert content_type == "application/problem+json"
            assert problem["status"] == 503 and problem["title"] == "Temporarily unavailable"
        else:
            assert content_type.startswith("text/html") and "try again in a few seconds" in body
    assert "Database unavailable on GET /roles/registered-nurses/" in done.stderr
    assert "Traceback" not in done.stderr
