"""Webhooks: an organisation's endpoints (registered by its admins), the events its postings raise, and their
deliveries.

An event is written as one `WebhookDelivery` per endpoint in the transaction of the change it reports (so it exists
if and only if the change was committed) and sent by the worker once committed. A failed attempt waits
WEBHOOK_BACKOFF_SECONDS, then twice as long after each further failure, up to WEBHOOK_MAX_ATTEMPTS attempts;
`webhooks_retry_due` (every minute, on the scheduler) sends what is due again. Sending is `jobs.webhooks`."""

import json
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organisation
from jobs import webhooks
from jobs.models import Posting, WebhookDelivery, WebhookEndpoint
from jobs.pay import pay_comparisons
from jobs.schemas import JobOut
from lib.tasks import task_enqueue

EVENTS = tuple(WebhookEndpoint.Event.values)
EVENT_PUBLISHED, EVENT_UPDATED, EVENT_CLOSED = (event.value for event in WebhookEndpoint.Event)
TEST_EVENT = "ping"
MAX_ENDPOINTS_PER_ORGANISATION = 10
DELIVERIES_PER_TASK = 20  # at WEBHOOK_TIMEOUT_SECONDS (10) each, a task's worst case stays well inside the task timeout

_batch: ContextVar[list[tuple[int, str, Posting]] | None] = ContextVar("webhook_batch", default=None)


class EndpointInvalid(Exception):
    """An endpoint that cannot be registered, in words the admin can act on."""


def secret_new() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


@transaction.atomic
def endpoint_create(*, organisation: Organisation, url: str, events: Iterable[str] = (), acting_user: User | None = None
                    ) -> WebhookEndpoint:  # fmt: skip
    """Register `url` for `organisation`'s events (every event when `events` is empty), with a new secret."""
    url = url.strip()
    problem = webhooks.target_problem(url) if len(url) <= 500 else "At most 500 characters."
    if problem:
        raise EndpointInvalid(problem)
    unknown = set(events) - set(EVENTS)
    if unknown:
        raise EndpointInvalid(f"Unknown events: {', '.join(sorted(unknown))}; choose from {', '.join(EVENTS)}.")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # two requests take turns
    if WebhookEndpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS_PER_ORGANISATION:
        raise EndpointInvalid(f"An organisation may have {MAX_ENDPOINTS_PER_ORGANISATION} endpoints; remove one first.")
    return WebhookEndpoint.objects.create(
        organisation=organisation, url=url, events=sorted(set(events)), secret=secret_new(), created_by=acting_user
    )


def endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    endpoint.active = active
    endpoint.save(update_fields=["active"])
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret: deliveries sent from now on are signed with it (those waiting too, as each attempt signs)."""
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # its deliveries with it: a removed endpoint's history goes too


def _payload(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"evt_{uuid.uuid4().hex}", "type": event, "created": timezone.now().isoformat(), "data": data}


def _posting_data(posting: Posting, comparisons: dict[int, Any]) -> dict[str, Any]:
    # The posting as GET /api/v1/jobs/{id} shows it (one shape for integrators), with its pay comparison.
    job = JobOut.of(posting, comparisons.get(posting.pk))
    return {"posting": json.loads(json.dumps(job.model_dump(mode="json"), cls=DjangoJSONEncoder))}


def _queue(ids: list[int]) -> None:
    """A task for every DELIVERIES_PER_TASK deliveries (a delivery's own task would cost a board's refresh one queue
    row and log line a posting)."""
    for start in range(0, len(ids), DELIVERIES_PER_TASK):
        task_enqueue("jobs.tasks.webhook_deliver_many", ids[start : start + DELIVERIES_PER_TASK])


@contextmanager
def batched() -> Iterator[None]:
    """Inside, the events postings raise are kept and written together when the block ends (still in the caller's
    transaction, so the outbox rule holds): each organisation's endpoints read once, the postings' pay comparisons
    in one go, one insert, a task per DELIVERIES_PER_TASK deliveries. A board's refresh writes thousands at once."""
    pending: list[tuple[int, str, Posting]] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    grouped: dict[tuple[int, str], list[Posting]] = defaultdict(list)
    for organisation_id, event, posting in pending:
        grouped[(organisation_id, event)].append(posting)
    for (organisation_id, event), postings in grouped.items():
        postings_changed(organisation_id=organisation_id, event=event, postings=postings)


def postings_changed(*, organisation_id: int, event: str, postings: Iterable[Posting]) -> int:
    """Write `event` for each of `postings` to each of the organisation's endpoints that wants it, in the caller's
    transaction; they are sent once it commits. Returns the deliveries written (none, and one query, when the
    organisation has no endpoint; none yet inside `batched`, which writes them when it ends)."""
    pending = _batch.get()
    if pending is not None:
        pending.extend((organisation_id, event, posting) for posting in postings)
        return 0
    active = WebhookEndpoint.objects.filter(organisation_id=organisation_id, active=True)
    endpoints = [endpoint for endpoint in active if endpoint.wants(event)]
    if not endpoints:
        return 0
    postings = list(postings)
    comparisons = pay_comparisons(postings)
    data = {posting.pk: _posting_data(posting, comparisons) for posting in postings}
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event=event, payload=_payload(event, data[posting.pk]))
        for posting in postings
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(deliveries)  # sets their ids on PostgreSQL and SQLite
    _queue([delivery.pk for delivery in deliveries])
    return len(deliveries)


@transaction.atomic
def test_event_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `ping` to one endpoint (even a paused one), to check that it receives and verifies deliveries."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=TEST_EVENT,
        payload=_payload(TEST_EVENT, {"endpoint": endpoint.url, "organisation": endpoint.organisation.name}),
    )
    _queue([delivery.pk])
    return delivery


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts: WEBHOOK_BACKOFF_SECONDS, doubled after each further failure."""
    return timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def _lease() -> timedelta:
    # An attempt that has not finished by then was lost with its worker: the delivery is due again.
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for this attempt, if it is due (pending, or left sending by a lost attempt); None otherwise,
    so a task run twice sends once."""
    now = timezone.now()
    due = Q(status=WebhookDelivery.Status.PENDING) | Q(status=WebhookDelivery.Status.SENDING, next_attempt_at__lte=now)
    taken = WebhookDelivery.objects.filter(due, pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now,
        next_attempt_at=now + _lease(),
    )  # fmt: skip
    return WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first() if taken else None


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one delivery now, if it is due, and record how it went: delivered, pending again (after its backoff)
    or failed for good (after WEBHOOK_MAX_ATTEMPTS attempts). None when it was not due."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": webhooks.USER_AGENT,
        "Rolescope-Event": delivery.event,
        "Rolescope-Delivery": str(delivery.pk),
        webhooks.SIGNATURE_HEADER: webhooks.signature(endpoint.secret, int(timezone.now().timestamp()), body),
    }
    answer = webhooks.post(endpoint.url, body, headers)
    now = timezone.now()
    if answer.delivered:
        status, next_at = WebhookDelivery.Status.DELIVERED, now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        status, next_at = WebhookDelivery.Status.FAILED, now
    else:
        status, next_at = WebhookDelivery.Status.PENDING, now + backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        status=status, next_attempt_at=next_at, response_code=answer.status, last_error=answer.error
    )
    delivery.status, delivery.next_attempt_at = status, next_at
    delivery.response_code, delivery.last_error = answer.status, answer.error
    return delivery


@transaction.atomic
def deliveries_due() -> list[int]:
    """Queue every delivery whose next attempt is due (a failed attempt's backoff has passed, or an attempt was lost
    with its worker). Returns them."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING), next_attempt_at__lte=now
    )
    # A pending delivery queued at its creation has next_attempt_at = its creation time: leave it a minute to run.
    due = due.exclude(status=WebhookDelivery.Status.PENDING, attempts=0, created_at__gt=now - timedelta(minutes=1))
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    _queue(ids)
    return ids
