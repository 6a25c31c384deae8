"""nginx's page cache in front of the app (deploy/nginx.conf.template), started by the code `make serve` runs
(tools.cluster.stack): nginx and one app server with one worker, production settings, on a SQLite file the entrypoint
prepares (migrations and the bundled data, a minute or two).

- an anonymous page is answered by nginx (X-Cache-Status HIT) without reaching the app again;
- a request with a cookie, Authorization or X-API-Key goes to the app and is not stored; a Set-Cookie answer is not
  stored; the key includes the host; the API is never cached;
- a data-version and a platform-version bump show through nginx within the validity (PAGE_CACHE_SECONDS);
- with the app server stopped, nginx still serves the last good page.

Needs nginx; skipped without it, unless ROLESCOPE_REQUIRE_NGINX=1 (CI), where the tests fail instead."""

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tools.cluster import (
    Stack,
    free_port,
    manage_shell,
    nginx_binary,
    nginx_run_dir,
    production_env,
    publish_expired_posting,
    stack,
)

ROOT = Path(__file__).resolve().parents[2]
ROLE = "registered-nurses"
PAGE = f"/roles/{ROLE}/?location=Seattle%2C+WA"
VALIDITY = 2  # PAGE_CACHE_SECONDS here: short, so the test waits little
SLACK = 3.0  # versions are read at most once a second, the expired page is fetched again in the background

if nginx_binary() is None:
    if os.environ.get("ROLESCOPE_REQUIRE_NGINX") == "1":
        pytest.fail("nginx is required here (ROLESCOPE_REQUIRE_NGINX=1) but is not installed", pytrace=False)
    pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)", allow_module_level=True)


@dataclass
class Front:
    running: Stack
    env: dict[str, str]
    logs: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> requests.Response:
        return requests.get(f"{self.running.nginx.url}{path}", headers=headers or {}, timeout=30)

    def app_hits(self, path: str) -> int:
        """Requests for `path` (without its query) the app server has answered: its access log (gunicorn writes a
        line just after the answer, so a caller waits a moment for it: `_answered`)."""
        count = 0
        for line in (self.logs / "app.log").read_text(errors="replace").splitlines():
            if line.startswith("{") and '"gunicorn.access"' in line and json.loads(line).get("path") == path:
                count += 1
        return count

    def shell(self, code: str) -> str:
        """Python in `manage.py shell` with the server's settings, as an operator (or another server) would."""
        return manage_shell(self.env, code)


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    folder = tmp_path_factory.mktemp("nginx_cache")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        PAGE_CACHE_SECONDS=str(VALIDITY),
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="on",
        API_ANON_RATE_PER_MINUTE="100000",
        PAGE_WORK_RATE_PER_MINUTE="100000",
        PYTHON=sys.executable,
    )
    for name in ("REDIS_URL", "REDIS_URL_FILE", "DATABASE_URL_FILE", "DEBUG_TOOLBAR", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    run_dir = nginx_run_dir()
    try:
        with stack(env, free_port(), free_port(), run_dir, logs=folder, worker=False) as running:
            yield Front(running, env, folder)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _until(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until `check()` holds; fails if it does not within `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - started


def _answered(front: Front, path: str, count: int) -> None:
    """The app's access log shows `count` answers for `path`, and no more (a line may come a moment late)."""
    _until(lambda: front.app_hits(path) >= count, 5)
    time.sleep(0.3)
    assert front.app_hits(path) == count


def test_an_anonymous_page_is_answered_by_nginx_without_the_app(front: Front):
    first = front.get(PAGE)
    assert first.status_code == 200 and first.headers["X-Cache-Status"] in ("MISS", "EXPIRED", "STALE")
    assert "X-Accel-Expires" not in first.headers  # nginx reads it and keeps it to itself
    assert "public" in first.headers["Cache-Control"] and first.headers["ETag"]
    time.sleep(0.5)
    hits = front.app_hits(f"/roles/{ROLE}/")
    again = [front.get(PAGE) for _ in range(5)]
    assert [answer.headers["X-Cache-Status"] for answer in again] == ["HIT"] * 5
    assert all(answer.content == first.content for answer in again)
    # Each answer has its own request id (nginx's), never the one of the request that fetched the page.
    ids = {answer.headers["X-Request-ID"] for answer in [first, *again]}
    assert len(ids) == 6
    _answered(front, f"/roles/{ROLE}/", hits)


def test_a_personal_request_goes_to_the_app_and_is_not_stored(front: Front):
    assert front.get(PAGE).headers["X-Cache-Status"] in ("HIT", "MISS", "EXPIRED", "STALE", "UPDATING")
    time.sleep(0.5)
    for headers in ({"Cookie": "sessionid=someone"}, {"Authorization": "Bearer someone"}, {"X-API-Key": "someone"}):
        hits = front.app_hits(f"/roles/{ROLE}/")
        answer = front.get(PAGE, headers)
        assert answer.headers["X-Cache-Status"] == "BYPASS", headers
        _answered(front, f"/roles/{ROLE}/", hits + 1)
    # A page a personal request fetched is not stored for anyone: a new place, asked with a cookie, then without.
    fresh = f"/roles/{ROLE}/?location=Austin%2C+TX"
    assert front.get(fresh, {"Cookie": "sessionid=someone"}).headers["X-Cache-Status"] == "BYPASS"
    assert front.get(fresh).headers["X-Cache-Status"] == "MISS"
    # An answer that sets a cookie (the sign-in form's CSRF cookie) is never stored.
    for _ in range(2):
        signin = front.get("/accounts/login/")
        assert signin.status_code == 200 and "csrftoken" in signin.headers.get("Set-Cookie", "")
        assert signin.headers["X-Cache-Status"] == "MISS"


def test_the_cache_key_includes_the_host(front: Front):
    page = f"/roles/{ROLE}/?location=Chicago%2C+IL"
    assert front.get(page).status_code == 200
    assert front.get(page).headers["X-Cache-Status"] == "HIT"
    other_host = front.get(page, {"Host": "localhost"})
    assert other_host.status_code == 200 and other_host.headers["X-Cache-Status"] == "MISS"


def test_the_api_is_never_cached(front: Front):
    path = "/api/v1/releases"
    hits = front.app_hits(path)
    answers = [front.get(path) for _ in range(3)]
    assert all(answer.status_code == 200 for answer in answers)
    assert all("X-Cache-Status" not in answer.headers for answer in answers)
    assert all("RateLimit-Remaining" in answer.headers for answer in answers)  # each caller's own count
    _answered(front, path, hits + 3)


def _shows(front: Front, text: str) -> bool:
    answer = front.get(PAGE)
    return answer.status_code == 200 and text in answer.text


def _open_postings(front: Front) -> int:
    answer = front.get(PAGE)
    assert answer.status_code == 200
    found = re.search(r'data-count="postings">(\d+)<', answer.text)
    assert found is not None, "the page shows no count of open postings"
    return int(found.group(1))


def test_a_data_or_platform_version_bump_shows_through_nginx_within_the_validity(front: Front):
    assert front.get(PAGE).status_code == 200
    assert front.get(PAGE).headers["X-Cache-Status"] in ("HIT", "STALE", "UPDATING")
    front.shell(
        "from roles.models import Role; from sources import versions; "
        f"Role.objects.filter(slug={ROLE!r}).update(title='Nurses Renamed Through Nginx'); versions.bump('data')"
    )
    _until(lambda: _shows(front, "Nurses Renamed Through Nginx"), VALIDITY + SLACK)
    # A posting published bumps the platform version: the count of open postings follows.
    before = _open_postings(front)
    expected = publish_expired_posting(front.env, ROLE)
    assert expected == before + 1
    _until(lambda: _open_postings(front) == expected, VALIDITY + SLACK)


def test_with_the_app_server_stopped_nginx_serves_the_last_good_page(front: Front):
    good = front.get(PAGE)
    assert good.status_code == 200
    front.running.app.stop()
    # The page expires VALIDITY seconds after nginx stored it, counted in whole seconds and compared strictly, and a
    # refresh the previous test left running may store it a moment after `good`: until then it is still a HIT.
    answers: list[requests.Response] = []

    def stale_now() -> bool:
        answers.append(front.get(PAGE))
        return answers[-1].headers.get("X-Cache-Status") == "STALE"

    _until(stale_now, VALIDITY + SLACK)
    assert all(answer.status_code == 200 and answer.content == good.content for answer in answers)
    never_cached = front.get(f"/roles/{ROLE}/?location=Denver%2C+CO")
    assert never_cached.status_code == 502
