"""Webhooks (issue 21, item 5): an organisation's admin registers an endpoint; its postings' published, updated and
closed events are signed with the endpoint's secret, sent by the worker (tasks run inline here) to a real HTTP server
on this machine, tried again with a growing wait, never through a redirect, and listed with their status."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from accounts.testing import PASSWORD, candidate, signed_in
from jobs import webhooks
from jobs.models import Posting, WebhookDelivery, WebhookEndpoint
from jobs.services import webhooks as services
from jobs.services.postings import posting_close
from jobs.tests.conftest import POSTING

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """A real HTTP server in a thread: it records each request and answers with the next of `answers` (then 204)."""

    url: str
    requests: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            time.sleep(state.delay)
            status, headers = state.answers.pop(0) if state.answers else (204, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/rolescope?source=test"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint(acme, receiver) -> WebhookEndpoint:
    return services.endpoint_create(organisation=acme.profile.employer, url=receiver.url, acting_user=acme)


def publish(user, **values) -> Posting:
    answer = signed_in(user).post("/jobs/manage/new/", {**POSTING, **values, "publish": "1"})
    assert answer.status_code == 302, answer.content.decode()[:1000]
    return Posting.objects.filter(source="").latest("id")


def test_publish_update_and_close_are_signed_and_delivered(acme, endpoint, receiver):
    posting = publish(acme)
    [sent] = receiver.requests
    assert sent["path"] == "/hooks/rolescope?source=test"
    assert sent["headers"]["Rolescope-Event"] == "posting.published"
    assert sent["headers"]["Content-Type"] == "application/json"
    header = sent["headers"][webhooks.SIGNATURE_HEADER]
    assert header.startswith("t=") and ",v1=" in header
    assert webhooks.verify(endpoint.secret, header, sent["body"])
    assert not webhooks.verify("whsec_another", header, sent["body"])
    assert not webhooks.verify(endpoint.secret, header, sent["body"] + b" ")
    event = json.loads(sent["body"])
    assert event["type"] == "posting.published" and event["id"].startswith("evt_")
    assert event["data"]["posting"]["id"] == posting.pk and event["data"]["posting"]["status"] == "published"
    assert event["data"]["posting"]["pay_comparison"]["release"] == "May 2025"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)
    assert sent["headers"]["Rolescope-Delivery"] == str(delivery.pk)

    client = signed_in(acme)
    client.post(f"/jobs/manage/{posting.pk}/edit/", {**POSTING, "publish": "1"})  # nothing changed: no event
    assert len(receiver.requests) == 1
    client.post(f"/jobs/manage/{posting.pk}/edit/", {**POSTING, "title": "Staff Back-End Developer", "publish": "1"})
    client.post(f"/jobs/manage/{posting.pk}/close/")
    events = [json.loads(r["body"])["type"] for r in receiver.requests]
    assert events == ["posting.published", "posting.updated", "posting.closed"]
    assert json.loads(receiver.requests[1]["body"])["data"]["posting"]["title"] == "Staff Back-End Developer"
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3


def test_an_endpoint_gets_only_its_events_and_only_its_organisations(acme, globex, receiver):
    services.endpoint_create(organisation=acme.profile.employer, url=receiver.url, events=["posting.closed"])
    posting = publish(acme)
    publish(globex, title="Globex job")
    assert receiver.requests == []
    posting_close(posting=posting)
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["posting.closed"]


def test_a_failure_waits_longer_each_time_and_stops_at_the_cap(acme, endpoint, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answers = [(500, {}), (503, {}), (500, {})]
    publish(acme)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    waits = [delivery.next_attempt_at - delivery.last_attempt_at]
    for _ in range(2):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert services.deliveries_due() == [delivery.pk]  # queued (and sent, inline) again
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
    assert len(receiver.requests) == 3
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 500)
    first = timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS)
    # From the failed answer, which came a moment after the attempt started.
    assert first <= waits[0] < first + timedelta(seconds=5)
    assert 2 * first <= waits[1] < 2 * first + timedelta(seconds=5)
    assert services.deliveries_due() == []  # failed for good: not tried again
    assert services.backoff(8) == timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 128)


def test_a_delivery_is_sent_once_however_many_times_its_task_runs(acme, endpoint, receiver):
    publish(acme)
    delivery = WebhookDelivery.objects.get()
    assert services.delivery_attempt(delivery_id=delivery.pk) is None  # delivered: not due
    assert services.deliveries_due() == []
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed(acme, endpoint, receiver):
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    publish(acme)
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1 and delivery.status == "pending" and delivery.response_code == 302
    assert "not followed" in delivery.last_error and "169.254.169.254" in delivery.last_error


def test_a_slow_endpoint_times_out(acme, endpoint, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 2
    publish(acme)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_code is None
    assert "timed out" in delivery.last_error.lower()


def test_private_addresses_are_refused_unless_the_setting_allows_them(acme, endpoint, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    organisation = acme.profile.employer
    for url in ("http://127.0.0.1:8000/", "http://localhost/", "http://10.0.0.7/", "http://[::1]/", "ftp://a.example/",
                "http://169.254.169.254/", "https://db.internal/"):  # fmt: skip
        with pytest.raises(services.EndpointInvalid):
            services.endpoint_create(organisation=organisation, url=url)
    publish(acme)  # the endpoint registered while allowed: refused when sending, by the address it resolves to
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == [] and delivery.status == "pending"
    assert "private, loopback or reserved" in delivery.last_error


def test_admins_manage_endpoints_in_the_site(acme, receiver):
    client = signed_in(acme)
    page = client.get("/jobs/manage/webhooks/")
    assert page.status_code == 200 and "No endpoints yet" in page.content.decode()
    refused = client.post("/jobs/manage/webhooks/", {"url": "javascript:alert(1)"})
    assert refused.status_code == 400 and "https://" in refused.content.decode()
    added = client.post("/jobs/manage/webhooks/", {"url": receiver.url, "events": ["posting.published"]})
    endpoint = WebhookEndpoint.objects.get()
    assert added["Location"] == f"/jobs/manage/webhooks/{endpoint.pk}/" and endpoint.events == ["posting.published"]
    detail = client.get(added["Location"])
    assert endpoint.secret in detail.content.decode() and detail["Cache-Control"] == "private, no-store"
    client.post(f"/jobs/manage/webhooks/{endpoint.pk}/test/")
    ping = json.loads(receiver.requests[-1]["body"])
    assert ping["type"] == "ping" and ping["data"]["organisation"] == "Acme Robotics"
    listed = client.get(added["Location"]).content.decode()
    assert "ping" in listed and "Delivered" in listed
    old = endpoint.secret
    client.post(f"/jobs/manage/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    client.post(f"/jobs/manage/webhooks/{endpoint.pk}/pause/")
    publish(acme)
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["ping"]  # paused: sent nothing
    assert client.post(f"/jobs/manage/webhooks/{endpoint.pk}/explode/").status_code == 404
    client.post(f"/jobs/manage/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_only_the_organisations_admins_see_its_endpoints(acme, globex, endpoint):
    colleague = Profile.objects.create(
        user=type(acme).objects.create_user("cole", "cole@example.org", PASSWORD),
        kind=Profile.Kind.EMPLOYER,
        employer=acme.profile.employer,
        organisation_admin=False,
    ).user
    for path in ("/jobs/manage/webhooks/", f"/jobs/manage/webhooks/{endpoint.pk}/"):
        answer = signed_in(colleague).get(path)
        assert answer.status_code == 403 and endpoint.secret not in answer.content.decode()
    assert signed_in(colleague).post(f"/jobs/manage/webhooks/{endpoint.pk}/delete/").status_code == 403
    assert signed_in(globex).get(f"/jobs/manage/webhooks/{endpoint.pk}/").status_code == 404
    assert signed_in(globex).post(f"/jobs/manage/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert signed_in(candidate("cara")).get("/jobs/manage/webhooks/").status_code == 403
    assert Client().get("/jobs/manage/webhooks/").status_code == 302
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_board_refresh_that_closes_postings_announces_them(acme, endpoint, receiver):
    from jobs.models import JobBoard
    from jobs.services.boards import _write

    board = JobBoard.objects.create(organisation=acme.profile.employer, kind="greenhouse", token="acme")
    posting = publish(acme)
    Posting.objects.filter(pk=posting.pk).update(board=board, fetched_at=timezone.now() - timedelta(hours=6))
    from jobs.boards.connectors import CONNECTORS

    report = _write(board, CONNECTORS["greenhouse"], [], timezone.now())
    assert report.closed == 1
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["posting.published", "posting.closed"]


def test_the_signature_is_stripes_scheme():
    body = b'{"type":"ping"}'
    header = webhooks.signature("whsec_test", 1_700_000_000, body)
    # HMAC-SHA256 of "1700000000." + body with the secret, computed independently:
    import hashlib
    import hmac

    expected = hmac.new(b"whsec_test", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert webhooks.verify("whsec_test", header, body, now=1_700_000_100)
    assert not webhooks.verify("whsec_test", header, body, now=1_700_000_000 + 301)  # too old: a replay
    assert not webhooks.verify("whsec_test", "v1=abc", body)


def test_the_verification_example_in_the_docs_accepts_a_real_delivery(acme, endpoint, receiver):
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "api.md").read_text()
    code = text.split("**Verifying the signature.**", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)  # noqa: S102 (the documented example, run as written)
    publish(acme)
    [sent] = receiver.requests
    header = sent["headers"][webhooks.SIGNATURE_HEADER]
    assert namespace["verified"](endpoint.secret, header, sent["body"])
    assert not namespace["verified"](endpoint.secret, header, sent["body"].replace(b"published", b"closed"))


def test_a_board_refresh_writes_its_events_together(acme, endpoint, receiver, monkeypatch):
    """A board's first read publishes every posting: their events are written at the end of the refresh, in its
    transaction, one task for every few deliveries, each the posting as the API shows it."""
    from jobs.models import JobBoard
    from jobs.services import webhooks as services_webhooks
    from jobs.services.boards import board_refresh
    from jobs.tests.test_boards import FIXTURES

    queued: list[list[int]] = []
    real_enqueue = services_webhooks.task_enqueue
    monkeypatch.setattr(services_webhooks, "DELIVERIES_PER_TASK", 2)
    monkeypatch.setattr(
        services_webhooks, "task_enqueue", lambda name, ids: (queued.append(ids), real_enqueue(name, ids))
    )
    board = JobBoard.objects.create(organisation=acme.profile.employer, kind="greenhouse", token="acme")
    report = board_refresh(board=board, path=FIXTURES / "greenhouse.json")
    live = Posting.objects.filter(board=board, status="published")
    assert report.imported == live.count() == 3
    sent = sorted(json.loads(r["body"])["data"]["posting"]["id"] for r in receiver.requests)
    assert sent == sorted(live.values_list("pk", flat=True))
    assert {json.loads(r["body"])["type"] for r in receiver.requests} == {"posting.published"}
    assert [len(ids) for ids in queued] == [2, 1]  # three deliveries, tasks of at most two
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
