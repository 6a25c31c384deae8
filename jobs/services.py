"""Writes for postings, candidate profiles and feed imports. `posting_upsert` is the one way a posting is written:
the site's form, the API and feed imports all call it, so every check and every derived value happens here once.
Feeds sent through the API are kept (`feed_import_create`) and imported by a worker (`jobs.tasks`); API writes sent
with an Idempotency-Key are written once (`idempotent_write`)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task  # type: ignore[import-untyped]

from accounts.models import Organisation
from accounts.services import organisation_update
from geo.resolve import Place, resolve
from jobs.models import Candidate, FeedImport, IdempotentRequest, Posting, annualise, pay_problem
from jobs.schemas import PostingFields
from lib.markdown import plain_html, render_markdown
from roles.models import Role
from roles.search import role_named, suggested_role
from roles.services import role_for_code
from sources import versions
from sources.models import ImportRun


class PostingInvalid(Exception):
    """A posting that cannot be saved: each field with what is wrong, in words the writer can act on."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors

    @property
    def first(self) -> tuple[str, str]:
        field, messages = next(iter(self.errors.items()))
        return field, messages[0]


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    """What a feed adds to a posting's fields: who it is (its id in the feed), where it came from, its dates.

    Feeds are taken as their publishers wrote them: a place we cannot resolve is kept as written (without an
    area), and a posting may have no apply link (links other than http(s) are dropped)."""

    external_id: str
    source: str
    posted_at: datetime | None = None
    expires_at: datetime | None = None


def lifetime() -> timedelta:
    return timedelta(days=settings.POSTING_LIFETIME_DAYS)


def web_address(url: str) -> str:
    """`url` stripped, if it is an http(s) address (no javascript:, ftp: or other schemes); "" stays ""."""
    url = url.strip()
    if url:
        URLValidator(schemes=["https", "http"], message="Enter a web address starting with https://.")(url)
    return url


def place_or_error(text: str) -> Place:
    """The place `text` means, or a ValidationError that says what to type instead."""
    resolution = resolve(text)
    if resolution.place:
        return resolution.place
    raise ValidationError(resolution.message)


def role_or_error(text: str) -> Role:
    """A role named by its slug, its occupation's SOC or O*NET-SOC code, or its title, else the closest match by
    the site's role search."""
    found = role_for_code(text) or role_named(text)
    if found is None:
        raise ValidationError(f"No role matches '{text.strip()[:100]}'; pick one from the list.")
    return found


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class _Checked:
    role: Role | None
    place: Place | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    apply_url: str


def _check(fields: PostingFields, feed: FeedEntry | None) -> _Checked:
    """Every rule a posting must follow; raises PostingInvalid naming each field that breaks one."""
    errors: dict[str, list[str]] = {}

    def attempt(field: str, check: Any) -> Any:
        try:
            return check()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return None

    role_text = (fields.role or "").strip()
    role = attempt("role", lambda: role_or_error(role_text)) if role_text else None
    place: Place | None = None
    location = (fields.location or "").strip()
    if location and feed is None:
        place = attempt("location", lambda: place_or_error(location))
    elif location:
        place = resolve(location).place  # feeds: kept as written when we cannot place it
    elif feed is None and fields.arrangement != Posting.Arrangement.REMOTE:
        errors.setdefault("location", []).append("Say where the job is, or choose Remote.")

    low, high = (_money(fields.salary_min), _money(fields.salary_max))
    period = fields.salary_period
    if (low is not None or high is not None) and not period:
        errors.setdefault("salary_period", []).append("Say whether the pay is per hour or per year.")
    if low is not None and high is not None and low > high:
        errors.setdefault("salary_max", []).append("The upper end of the pay is below the lower end.")
    for name, value in (("salary_min", low), ("salary_max", high)):
        problem = pay_problem(value, period, fields.employment_type) if value is not None and period else None
        if problem is not None:
            errors.setdefault(name, []).append(problem)

    if feed is None:
        apply_url = attempt("apply_url", lambda: web_address(fields.apply_url)) or ""
        if fields.apply_email:
            attempt("apply_email", lambda: EmailValidator("Enter a valid email address.")(fields.apply_email))
        if not apply_url and not fields.apply_email and "apply_url" not in errors:
            errors.setdefault("apply_url", []).append("Give a web address or an email address to apply at.")
    else:
        # A feed must not be able to plant a javascript: link in the Apply button: only web links are kept.
        apply_url = fields.apply_url.strip() if fields.apply_url.strip().startswith(("https://", "http://")) else ""
    if errors:
        raise PostingInvalid(errors)
    if role is None and not (fields.role or "").strip():
        role = suggested_role(fields.title)
    return _Checked(role=role, place=place, salary_min=low, salary_max=high, apply_url=apply_url)


@transaction.atomic
def posting_upsert(
    *,
    organisation: Organisation,
    fields: PostingFields,
    acting_user: User | None = None,
    posting_id: int | None = None,
    publish: bool = False,
    feed: FeedEntry | None = None,
) -> Posting:
    """Create or change one of `organisation`'s postings: the one by `posting_id`, the one with the feed entry's
    external id, or a new one. `publish` also publishes it; a feed's posting is published or expired by its own
    dates. Raises PostingInvalid (nothing is written) when a rule is broken."""
    checked = _check(fields, feed)
    if posting_id is not None:
        posting = Posting.objects.select_for_update().get(pk=posting_id, employer=organisation)
    elif feed is not None:
        posting = Posting.objects.select_for_update().filter(
            employer=organisation, external_id=feed.external_id
        ).first() or Posting(employer=organisation, external_id=feed.external_id)
    else:
        posting = Posting(employer=organisation)
    posting.employer = organisation
    posting.title = fields.title.strip()
    posting.role = checked.role
    place = checked.place
    posting.location_text = place.query if place else (fields.location or "").strip()
    posting.location_label = place.label if place else ""
    posting.area = place.area if place else None
    posting.arrangement = fields.arrangement
    posting.employment_type = fields.employment_type
    posting.salary_min, posting.salary_max = checked.salary_min, checked.salary_max
    posting.salary_period = fields.salary_period
    posting.annual_min = annualise(posting.salary_min, posting.salary_period)
    posting.annual_max = annualise(posting.salary_max, posting.salary_period)
    posting.description = fields.description
    # Rendered once, here: pages, the API and JSON-LD read the stored HTML. Feeds' descriptions are plain text.
    posting.description_html = plain_html(fields.description) if feed else render_markdown(fields.description)
    posting.apply_url = checked.apply_url
    posting.apply_email = fields.apply_email.strip()
    if posting.pk is None and acting_user is not None:
        posting.created_by = acting_user
    if feed is not None:
        now = timezone.now()
        posting.source = feed.source
        posting.posted_at = feed.posted_at or now
        posting.expires_at = feed.expires_at or posting.posted_at + lifetime()
        posting.status = Posting.Status.EXPIRED if posting.expires_at <= now else Posting.Status.PUBLISHED
    posting.search_text = posting.search_document()
    posting.save()
    if publish and posting.status != Posting.Status.PUBLISHED:
        _publish(posting)
    versions.bump("platform")
    return posting


def _publish(posting: Posting) -> None:
    now = timezone.now()
    if posting.status == Posting.Status.DRAFT or posting.posted_at is None:
        posting.posted_at = now
    if posting.expires_at is None or posting.expires_at <= now or posting.status == Posting.Status.DRAFT:
        posting.expires_at = now + lifetime()
    posting.status = Posting.Status.PUBLISHED
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])


@transaction.atomic
def posting_publish(*, posting: Posting) -> Posting:
    """Publish a draft, or republish a closed or expired posting, for a fresh lifetime if it has run out."""
    _publish(posting)
    versions.bump("platform")
    return posting


@transaction.atomic
def posting_close(*, posting: Posting) -> Posting:
    """Take a posting down (it stays visible, marked closed, to people with its link)."""
    if posting.status != Posting.Status.CLOSED:
        posting.status = Posting.Status.CLOSED
        posting.save(update_fields=["status", "updated_at"])
        versions.bump("platform")
    return posting


@transaction.atomic
def posting_renew(*, posting: Posting) -> Posting:
    """Another full lifetime from today; a closed or expired posting is published again."""
    posting.expires_at = timezone.now() + lifetime()
    posting.status = Posting.Status.PUBLISHED
    if posting.posted_at is None:
        posting.posted_at = timezone.now()
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])
    versions.bump("platform")
    return posting


@transaction.atomic
def postings_expire() -> int:
    """Expire every published posting past its date. Returns how many changed; a second run changes none."""
    changed = Posting.objects.filter(status=Posting.Status.PUBLISHED, expires_at__lte=timezone.now()).update(
        status=Posting.Status.EXPIRED, updated_at=timezone.now()
    )
    if changed:
        versions.bump("platform")
    return changed


@transaction.atomic
def organisation_profile_update(*, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Save an organisation's profile; a new name is searchable at once (it is part of every posting's search
    text)."""
    if organisation_update(organisation=organisation, data=data):
        for posting in organisation.postings.select_related("employer", "role"):
            posting.search_text = posting.search_document()
            posting.save(update_fields=["search_text"])
    return organisation


@transaction.atomic
def candidate_save(*, user: User, data: dict[str, Any]) -> Candidate:
    candidate, _ = Candidate.objects.get_or_create(user=user)
    place = data.get("location")
    candidate.location_text = place.query if place else ""
    candidate.location_label = place.label if place else ""
    candidate.area = place.area if place else None
    candidate.open_to_work = bool(data.get("open_to_work"))
    candidate.save()
    candidate.desired_roles.set(data.get("desired_roles", []))
    versions.bump("platform")
    return candidate


# --- Background work: feeds sent through the API are imported by a worker (jobs.tasks.feed_import_run) ---


def task_enqueue(function: str, *args: Any) -> None:
    """Queue `function(*args)` for a worker (django-q2). On the database queue the task is written in the caller's
    transaction, so it exists if and only if the write that needs it is committed. On Redis it is sent once the
    transaction has committed; one lost in between (or with a worker that died) is sent again by
    `jobs.tasks.feed_imports_resume`."""
    if settings.Q_CLUSTER.get("orm"):
        async_task(function, *args)
    else:
        transaction.on_commit(lambda: async_task(function, *args), robust=True)


@transaction.atomic
def feed_import_create(
    *, organisation: Organisation, sent_by: User | None, content_type: str, body: bytes
) -> FeedImport:
    """Keep a feed for a worker to import, with the task that imports it (both committed, or neither)."""
    feed_import = FeedImport.objects.create(
        organisation=organisation, sent_by=sent_by, content_type=content_type, body=body
    )
    task_enqueue("jobs.tasks.feed_import_run", feed_import.pk)
    return feed_import


def feed_import_lease() -> timedelta:
    """How long a started import may take: django-q2 stops a task at its timeout, so an import still marked running
    after the timeout (and a margin for the worker's guard) was left by a worker that died."""
    return timedelta(seconds=settings.TASK_TIMEOUT_SECONDS + 30)


@transaction.atomic
def feed_import_claim(*, feed_import_id: int) -> FeedImport | None:
    """Mark an import as running for this attempt and return it; None when there is nothing to do: it is done, failed,
    or running under a live worker (so a task delivered twice imports once). An import left running by a worker that
    died is taken over; one that has been started TASK_MAX_ATTEMPTS times already is failed instead."""
    now = timezone.now()
    waiting = Q(status=FeedImport.Status.QUEUED) | Q(
        status=FeedImport.Status.RUNNING, started_at__lt=now - feed_import_lease()
    )
    # The row lock makes two claims take turns; the second finds the import running and leaves it.
    feed_import = FeedImport.objects.select_for_update().filter(waiting, pk=feed_import_id).first()
    if feed_import is None:
        return None
    if feed_import.attempts >= settings.TASK_MAX_ATTEMPTS:
        feed_import.status = FeedImport.Status.FAILED
        feed_import.finished_at = now
        last = feed_import.error or "the worker stopped during the import"
        feed_import.error = f"Stopped after {feed_import.attempts} attempts; the last: {last}"[:10_000]
        feed_import.save(update_fields=["status", "finished_at", "error"])
        return None
    feed_import.status = FeedImport.Status.RUNNING
    feed_import.started_at = now
    feed_import.attempts += 1
    feed_import.save(update_fields=["status", "started_at", "attempts"])
    return feed_import


def _this_attempt(feed_import: FeedImport) -> Any:
    # Only the attempt that claimed the import records how it ended: one that outlived its lease (and was taken over)
    # changes nothing. Its postings were upserts on their external ids, so a second import wrote no duplicate.
    return FeedImport.objects.filter(pk=feed_import.pk, status=FeedImport.Status.RUNNING, attempts=feed_import.attempts)


def feed_import_done(*, feed_import: FeedImport, run: ImportRun, rejected: list[str]) -> bool:
    """Record the report of an import that ran (its feed is no longer kept). False if another attempt took over."""
    return bool(
        _this_attempt(feed_import).update(
            status=FeedImport.Status.DONE,
            finished_at=timezone.now(),
            rows_read=run.rows_read,
            imported=run.rows_written,
            rejected=rejected,
            source=run.release,
            run=run,
            error="",
            body=b"",
        )
    )


def feed_import_failed(*, feed_import: FeedImport, error: str, retry: bool) -> bool:
    """Record a failed attempt: with `retry` (a passing failure) the import waits for another attempt while it has
    attempts left; otherwise it has failed for good. False if another attempt took over."""
    now = timezone.now()
    again = retry and feed_import.attempts < settings.TASK_MAX_ATTEMPTS
    return bool(
        _this_attempt(feed_import).update(
            status=FeedImport.Status.QUEUED if again else FeedImport.Status.FAILED,
            error=error[:10_000],
            queued_at=now if again else feed_import.queued_at,
            finished_at=None if again else now,
        )
    )


@transaction.atomic
def feed_imports_resume() -> list[int]:
    """Send a task again for each import whose task was lost: queued (or left running by a worker that died) for
    longer than the broker's retry period. The database queue never loses one; Redis can (a worker killed while
    holding tasks, or a web process gone between its commit and the send). Returns the imports sent again."""
    now = timezone.now()
    retry = timedelta(seconds=settings.TASK_RETRY_SECONDS)
    stalled = FeedImport.objects.filter(queued_at__lt=now - retry).filter(
        Q(status=FeedImport.Status.QUEUED)
        | Q(status=FeedImport.Status.RUNNING, started_at__lt=now - feed_import_lease())
    )
    resumed = list(stalled.select_for_update().order_by("queued_at").values_list("pk", flat=True)[:100])
    FeedImport.objects.filter(pk__in=resumed).update(queued_at=now)
    for pk in resumed:
        task_enqueue("jobs.tasks.feed_import_run", pk)
    return resumed


# --- Idempotency-Key: an API write retried with the same key is written once ---

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
