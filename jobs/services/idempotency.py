"""Idempotency-Key: an API write retried with the same key is written once, and answered as it was the first
time."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation
from jobs.models import IdempotentRequest

IDEMPOTENCY_KEY_DAYS = 1  # a key is remembered at least this long (the daily purge forgets older ones)


@dataclass(frozen=True)
class Answer:
    """An answer to a write, as it was sent: what a retry with the same Idempotency-Key gets again."""

    status: int
    body: str
    location: str = ""


class IdempotencyKeyReused(Exception):
    """The key came before with a different request (another method, path, content type or body)."""


class IdempotencyKeyInUse(Exception):
    """Another request with this key has not finished."""


def request_fingerprint(*, method: str, path: str, content_type: str, body: bytes) -> str:
    """What makes two requests the same request, as a SHA-256."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), content_type.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def idempotent_answer(*, organisation: Organisation, key: str, fingerprint: str) -> Answer | None:
    """The answer already given to the organisation's request with this key; None if the key is new. Raises
    IdempotencyKeyReused if the key came with a different request."""
    record = IdempotentRequest.objects.filter(organisation=organisation, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    if not record.status_code:
        raise IdempotencyKeyInUse
    return Answer(status=record.status_code, body=record.body, location=record.location)


def idempotent_write(
    *, organisation: Organisation, key: str | None, fingerprint: str, write: Callable[[], Answer]
) -> tuple[Answer, bool]:
    """`write()`'s answer, and whether it is a replay. Without a key, `write()` runs. With one, the first request
    stores the key and its answer in the same transaction as its write, so a write that was answered and its key are
    committed together (a request that fails stores nothing, and may be retried with the same key); a later request
    with the key gets the stored answer and writes nothing. Raises IdempotencyKeyReused (same key, another request)."""
    if key is None:
        return write(), False
    answered = idempotent_answer(organisation=organisation, key=key, fingerprint=fingerprint)
    if answered is not None:
        return answered, True
    with transaction.atomic():
        try:
            with transaction.atomic():
                # The key first: a concurrent request with the same key waits on its unique index (PostgreSQL; on
                # SQLite writers take turns anyway) until this transaction ends, then replays what it stored.
                record = IdempotentRequest.objects.create(organisation=organisation, key=key, fingerprint=fingerprint)
        except IntegrityError:
            answered = idempotent_answer(organisation=organisation, key=key, fingerprint=fingerprint)
            if answered is None:
                raise IdempotencyKeyInUse from None
            return answered, True
        answer = write()
        record.status_code, record.body, record.location = answer.status, answer.body, answer.location
        record.save(update_fields=["status_code", "body", "location"])
    return answer, False


def idempotency_keys_purge() -> int:
    """Forget the Idempotency-Keys older than IDEMPOTENCY_KEY_DAYS; returns how many."""
    cutoff = timezone.now() - timedelta(days=IDEMPOTENCY_KEY_DAYS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
