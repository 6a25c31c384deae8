"""The front cache (config/front.py) in front of the real Django application, in this process: what it answers is
byte for byte what Django answered, it answers only what Django marked shareable, and an API call it answers is
counted once against the caller's limit, as Django counts it. (Two servers sharing Redis, through gunicorn:
lib/tests/test_two_tier.py.)"""

import logging
import time
from collections.abc import Iterable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from accounts.services import api_key_create, api_key_revoke
from config.front import FrontCache
from config.wsgi import django_application
from lib import ratelimit
from sources import versions

pytestmark = pytest.mark.django_db
PAGE = "/roles/registered-nurses/"
WAGES = "/api/v1/wages"
NURSES_IN_SEATTLE = {"occupation": "29-1141", "area": "0042660"}


class Front:
    """The front around Django's application, counting the requests that reached Django."""

    def __init__(self) -> None:
        self.django_calls = 0
        self.app = FrontCache(self._django)

    def _django(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.django_calls += 1
        return django_application(environ, start_response)

    def get(self, path: str, params: dict[str, str] | None = None, **headers: Any) -> "Answer":
        environ = RequestFactory().get(path, params or {}, **headers).environ
        seen: list[Any] = []
        # As Django's test client does: the test's transaction is open on this connection, so Django's handler must
        # not close it when a request starts or finishes (DATABASE_CONN_MAX_AGE=0 in the tests).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            chunks = self.app(environ, lambda status, headers, exc_info=None: seen.extend([status, headers]))
            body = b"".join(chunks)
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Answer(int(seen[0].split()[0]), dict(seen[1]), body)


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def without_request_id(self) -> tuple[int, dict[str, str], bytes]:
        return self.status, {k: v for k, v in self.headers.items() if k != "X-Request-ID"}, self.body


@pytest.fixture(autouse=True)
def steady(db, monkeypatch):
    """The versions are current, as in a worker that has answered a request in the last second, and stay so for the
    test (a slow machine may take over a second between requests); the shared cache starts empty."""
    monkeypatch.setattr(versions, "LOCAL_SECONDS", 600.0)
    versions.current()
    cache.clear()


@pytest.fixture
def front() -> Front:
    return Front()


@pytest.fixture
def one_window():
    """The calls of a test fall in one rate-limit window (a minute): within a few seconds of its end, wait for the
    next one."""
    left = ratelimit.WINDOW_SECONDS - time.time() % ratelimit.WINDOW_SECONDS
    if left < 5:
        time.sleep(left + 0.1)


@pytest.fixture
def key(django_user_model, one_window):
    user = django_user_model.objects.create_user("analyst", password="correct horse battery")
    return api_key_create(user=user, name="notebook", rate_limit_per_minute=4)


def test_a_page_is_answered_again_byte_for_byte_without_django(front):
    first = front.get(PAGE, {"location": "Seattle, WA"})
    assert first.status == 200 and b"Seattle" in first.body
    assert front.django_calls == 1
    again = [front.get(PAGE, {"location": "Seattle, WA"}) for _ in range(3)]
    assert front.django_calls == 1
    assert all(answer.without_request_id() == first.without_request_id() for answer in again)
    assert len({answer.headers["X-Request-ID"] for answer in [first, *again]}) == 4
    assert front.get(PAGE, {"location": "Seattle, WA"}, HTTP_X_REQUEST_ID="trace-42").headers["X-Request-ID"] == (
        "trace-42"
    )


def test_django_answers_what_the_front_may_not(front):
    front.get(PAGE, {"location": "Seattle, WA"})
    calls = front.django_calls
    unread = front.get(PAGE, {"location": "Seattle, WA", "utm_source": "newsletter"})  # a parameter no view reads
    unread_again = front.get(PAGE, {"location": "Seattle, WA", "utm_source": "newsletter"})
    with_cookie = front.get(PAGE, {"location": "Seattle, WA"}, HTTP_COOKIE="sessionid=abc")
    etag = unread.headers["ETag"]
    conditional = front.get(PAGE, {"location": "Seattle, WA"}, HTTP_IF_NONE_MATCH=etag)
    assert front.django_calls == calls + 4
    assert unread.body == unread_again.body and unread.status == with_cookie.status == 200
    assert conditional.status == 304 and conditional.body == b""


def test_an_unread_parameter_never_fills_the_front(front):
    for source in range(5):
        front.get(PAGE, {"location": "Seattle, WA", "utm_source": f"campaign-{source}"})
    assert len(front.app.answers) == 0
    assert front.django_calls == 5


def test_a_version_bump_is_seen_on_the_next_request(front, django_user_model):
    front.get(PAGE, {"location": "Seattle, WA"})
    front.get(PAGE, {"location": "Seattle, WA"})
    assert front.django_calls == 1
    versions.bump("data")  # an import, a role edit
    front.get(PAGE, {"location": "Seattle, WA"})
    assert front.django_calls == 2


def test_a_keyed_call_is_counted_once_whoever_answers_it(front, key):
    _, plain = key
    versions.current()  # the key's creation changed the access version: read it, as the worker's last request did
    answers = [front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain) for _ in range(5)]
    seen = ([a.status for a in answers], [a.headers["RateLimit-Remaining"] for a in answers], front.django_calls)
    # The first call (its key checked by Django) and the refusal went through Django; the front counted the rest.
    assert seen == ([200, 200, 200, 200, 429], ["3", "2", "1", "0", "0"], 2)
    assert answers[1].without_request_id()[2] == answers[0].body
    assert {k: v for k, v in answers[2].headers.items() if not k.startswith(("RateLimit", "X-Request"))} == {
        k: v for k, v in answers[0].headers.items() if not k.startswith(("RateLimit", "X-Request"))
    }
    refusal = answers[-1]
    assert refusal.headers["Content-Type"] == "application/problem+json"
    assert refusal.headers["RateLimit-Limit"] == "4" and int(refusal.headers["Retry-After"]) <= 60


def test_a_bearer_key_and_an_anonymous_caller_are_counted_apart(front, key, settings):
    settings.API_ANON_RATE_PER_MINUTE = 2
    _, plain = key
    keyed = [front.get(WAGES, NURSES_IN_SEATTLE, HTTP_AUTHORIZATION=f"Bearer {plain}") for _ in range(3)]
    anonymous = [front.get(WAGES, NURSES_IN_SEATTLE) for _ in range(3)]
    assert [a.status for a in keyed] == [200, 200, 200]
    assert [a.headers["RateLimit-Remaining"] for a in keyed] == ["3", "2", "1"]
    assert [a.status for a in anonymous] == [200, 200, 429]
    assert [a.headers["RateLimit-Limit"] for a in anonymous] == ["2", "2", "2"]


def test_a_revoked_key_is_refused_at_once_and_a_wrong_one_always(front, key):
    api_key, plain = key
    assert front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain).status == 200
    assert front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain).status == 200
    api_key_revoke(key=api_key)
    refused = front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain)
    assert refused.status == 401 and b"revoked" in refused.body
    calls = front.django_calls
    wrong = [front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY="rs_deadbeef_not-a-key") for _ in range(2)]
    assert [a.status for a in wrong] == [401, 401] and front.django_calls == calls + 2


def test_a_front_answer_is_measured_and_logged(front, caplog):
    front.get(WAGES, NURSES_IN_SEATTLE)
    with caplog.at_level(logging.INFO, logger="rolescope.request"):
        answer = front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_REQUEST_ID="trace-7")
    assert front.django_calls == 1 and answer.status == 200
    record = [r for r in caplog.records if r.name == "rolescope.request"][-1]
    assert (record.method, record.route, record.status, record.request_id) == ("GET", "/api/v1/wages", 200, "trace-7")


def test_when_the_front_fails_django_answers(front, key, monkeypatch, caplog):
    _, plain = key
    versions.current()
    assert front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain).status == 200

    def broken(*args: Any) -> None:
        raise RuntimeError("counter away")

    monkeypatch.setattr("config.front.quota_take_and_read", broken)
    answer = front.get(WAGES, NURSES_IN_SEATTLE, HTTP_X_API_KEY=plain)
    assert answer.status == 200 and answer.headers["RateLimit-Remaining"] == "2"  # Django counted it
    assert front.django_calls == 2
    assert "The front cache failed on /api/v1/wages" in caplog.text
