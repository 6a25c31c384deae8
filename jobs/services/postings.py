"""Writes for postings. `posting_upsert` is the one way a posting is written: the site's form, the API and feed
imports all call it, so every check and every derived value happens here once."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from geo.resolve import Place, resolve
from jobs.models import Posting, annualise, pay_problem
from jobs.schemas import PostingFields
from jobs.services import webhooks
from jobs.services.alerts import instant_alerts_after_commit
from lib.markdown import plain_html, render_markdown
from roles.models import Role
from roles.search import role_named, suggested_role
from roles.services import role_for_code
from sources import versions

T = TypeVar("T")


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

    Feeds are taken as their publishers wrote them, with the site's rules: a place must resolve (or be left out), and
    a posting may have no apply link (links other than http(s) are dropped)."""

    external_id: str
    source: str
    posted_at: datetime | None = None
    expires_at: datetime | None = None
    # A job board's posting (jobs.boards): which board, when it was read and when the board says it changed.
    board_id: int | None = None
    fetched_at: datetime | None = None
    board_updated_at: datetime | None = None
    # The caller has read that no posting of the organisation has this external id (a board's refresh reads its
    # postings once, with the board locked): no look-up for it.
    new: bool = False
    # A digest of the board's row (jobs.services.boards): a later read of the same row need not write it again.
    digest: str = ""


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


class _Errors(dict[str, list[str]]):
    """What is wrong, field by field, in the order the checks found it (the first is what a form shows first)."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def attempt(self, field: str, check: Callable[[], T]) -> T | None:
        """`check()`, or None with its ValidationError's messages kept under `field`."""
        try:
            return check()
        except ValidationError as exc:
            self.setdefault(field, []).extend(exc.messages)
            return None


def _check(fields: PostingFields, feed: FeedEntry | None) -> _Checked:
    """Every rule a posting must follow; raises PostingInvalid naming each field that breaks one."""
    errors = _Errors()
    role_text = (fields.role or "").strip()
    role = errors.attempt("role", lambda: role_or_error(role_text)) if role_text else None
    place = _checked_place(fields, feed, errors)
    low, high = _checked_pay(fields, errors)
    apply_url = _checked_apply_url(fields, feed, errors)
    if errors:
        raise PostingInvalid(dict(errors))
    if role is None and not role_text:
        role = suggested_role(fields.title)
    return _Checked(role=role, place=place, salary_min=low, salary_max=high, apply_url=apply_url)


def _checked_place(fields: PostingFields, feed: FeedEntry | None, errors: _Errors) -> Place | None:
    location = (fields.location or "").strip()
    if location:
        # One rule for the site, the API and feeds: a place must resolve (a feed's row that does not is rejected
        # with the reason, as the API refuses it), so no posting is compared with a band it was never meant for.
        return errors.attempt("location", lambda: place_or_error(location))
    if feed is None and fields.arrangement != Posting.Arrangement.REMOTE:
        errors.add("location", "Say where the job is, or choose Remote.")
    return None


def _checked_pay(fields: PostingFields, errors: _Errors) -> tuple[Decimal | None, Decimal | None]:
    low, high = (_money(fields.salary_min), _money(fields.salary_max))
    period = fields.salary_period
    if (low is not None or high is not None) and not period:
        errors.add("salary_period", "Say whether the pay is per hour or per year.")
    if low is not None and high is not None and low > high:
        errors.add("salary_max", "The upper end of the pay is below the lower end.")
    for name, value in (("salary_min", low), ("salary_max", high)):
        problem = pay_problem(value, period, fields.employment_type) if value is not None and period else None
        if problem is not None:
            errors.add(name, problem)
    return low, high


def _checked_apply_url(fields: PostingFields, feed: FeedEntry | None, errors: _Errors) -> str:
    """The apply link kept; from the site and the API, a web or an email address to apply at is required."""
    if feed is not None:
        # A feed must not be able to plant a javascript: link in the Apply button: only web links are kept.
        return fields.apply_url.strip() if fields.apply_url.strip().startswith(("https://", "http://")) else ""
    apply_url = errors.attempt("apply_url", lambda: web_address(fields.apply_url)) or ""
    if fields.apply_email:
        errors.attempt("apply_email", lambda: EmailValidator("Enter a valid email address.")(fields.apply_email))
    if not apply_url and not fields.apply_email and "apply_url" not in errors:
        errors.add("apply_url", "Give a web address or an email address to apply at.")
    return apply_url


def posting_for_pay_check(*, fields: PostingFields) -> Posting:
    """The posting `fields` describe, not saved, with what its pay comparison reads (role, area, pay): checked by the
    rules `posting_upsert` applies to them, so the form's "Check pay" judges what publishing would. Raises
    PostingInvalid for the role, place and pay fields only (the rest is the form's to check on saving)."""
    errors = _Errors()
    role_text = (fields.role or "").strip()
    role = errors.attempt("role", lambda: role_or_error(role_text)) if role_text else None
    place = _checked_place(fields, None, errors)
    low, high = _checked_pay(fields, errors)
    if low is None and high is None and "salary_min" not in errors:
        errors.add("salary_min", "Enter the pay to compare it with the local band.")
    if role is None and not role_text:
        role = suggested_role(fields.title) if fields.title.strip() else None
        if role is None and "role" not in errors:
            errors.add("role", "Name the role (or give the title) to find its local band.")
    if errors:
        raise PostingInvalid(dict(errors))
    return Posting(
        title=fields.title, role=role, area=place.area if place else None,
        location_label=place.label if place else "", arrangement=fields.arrangement, salary_min=low, salary_max=high,
        salary_period=fields.salary_period,
    )  # fmt: skip


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
    checked = _check(fields, feed)  # every rule, before anything is written
    # A board's refresh is one transaction that fails whole on a database error, and its rows are checked before
    # they are written: they need no savepoint each (one SAVEPOINT and RELEASE a posting saved).
    with transaction.atomic(savepoint=feed is None or feed.board_id is None):
        return _written(organisation, fields, checked, acting_user, posting_id, publish, feed)


def _written(
    organisation: Organisation,
    fields: PostingFields,
    checked: _Checked,
    acting_user: User | None,
    posting_id: int | None,
    publish: bool,
    feed: FeedEntry | None,
) -> Posting:
    if posting_id is not None:
        posting = Posting.objects.select_for_update().get(pk=posting_id, employer=organisation)
    elif feed is not None:
        found = (
            None
            if feed.new
            else Posting.objects.select_for_update().filter(employer=organisation, external_id=feed.external_id).first()
        )
        posting = found or Posting(employer=organisation, external_id=feed.external_id)
    else:
        posting = Posting(employer=organisation)
    was_published = posting.pk is not None and posting.status == Posting.Status.PUBLISHED
    before = (posting.status, _what_it_says(posting)) if posting.pk else None
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
        _feed_dates(posting, feed)
    # Any write but a board's (the site's form, the API, a feed) drops the digest: the board's next read rewrites it.
    posting.board_digest = feed.digest if feed is not None else ""
    posting.search_text = posting.search_document()
    posting.save()
    if publish and posting.status != Posting.Status.PUBLISHED:
        _publish(posting)
    elif posting.status == Posting.Status.PUBLISHED and not was_published:
        instant_alerts_after_commit()  # a feed's new posting
    versions.bump("platform")
    _announce(posting, before)
    return posting


def _feed_dates(posting: Posting, feed: FeedEntry) -> None:
    """A feed's posting is published or expired by its own dates, and says where it came from."""
    now = timezone.now()
    posting.source = feed.source
    posting.posted_at = feed.posted_at or now
    posting.expires_at = feed.expires_at or posting.posted_at + lifetime()
    posting.status = Posting.Status.EXPIRED if posting.expires_at <= now else Posting.Status.PUBLISHED
    if feed.board_id is not None:
        posting.board_id = feed.board_id
        posting.fetched_at, posting.board_updated_at = feed.fetched_at, feed.board_updated_at


def _what_it_says(posting: Posting) -> tuple[object, ...]:
    """What a reader of the posting sees change (a feed's refresh that moves only its dates is no update)."""
    return tuple(getattr(posting, name) for name in ANNOUNCED_FIELDS)


ANNOUNCED_FIELDS = (
    "title", "role_id", "area_id", "location_label", "location_text", "arrangement", "employment_type", "salary_min",
    "salary_max", "salary_period", "description", "apply_url", "apply_email",
)  # fmt: skip


def _announce(posting: Posting, before: tuple[str, tuple[object, ...]] | None) -> None:
    """The webhook event of a write, if any: published (it went up), updated (it was up, and what it says changed)
    or closed (it came down)."""
    status = posting.status
    was = before[0] if before else None
    event = None
    if status == Posting.Status.PUBLISHED:
        if was != Posting.Status.PUBLISHED:
            event = webhooks.EVENT_PUBLISHED
        elif before is not None and before[1] != _what_it_says(posting):
            event = webhooks.EVENT_UPDATED
    elif status == Posting.Status.CLOSED and was != Posting.Status.CLOSED:
        event = webhooks.EVENT_CLOSED
    if event is not None:
        webhooks.postings_changed(organisation_id=posting.employer_id, event=event, postings=[posting])


def _publish(posting: Posting) -> None:
    now = timezone.now()
    if posting.status == Posting.Status.DRAFT or posting.posted_at is None:
        posting.posted_at = now
    if posting.expires_at is None or posting.expires_at <= now or posting.status == Posting.Status.DRAFT:
        posting.expires_at = now + lifetime()
    posting.status = Posting.Status.PUBLISHED
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])
    instant_alerts_after_commit()


@transaction.atomic
def posting_publish(*, posting: Posting) -> Posting:
    """Publish a draft, or republish a closed or expired posting, for a fresh lifetime if it has run out."""
    was = posting.status
    _publish(posting)
    versions.bump("platform")
    if was != Posting.Status.PUBLISHED:
        webhooks.postings_changed(
            organisation_id=posting.employer_id, event=webhooks.EVENT_PUBLISHED, postings=[posting]
        )
    return posting


@transaction.atomic
def posting_close(*, posting: Posting) -> Posting:
    """Take a posting down (it stays visible, marked closed, to people with its link)."""
    if posting.status != Posting.Status.CLOSED:
        posting.status = Posting.Status.CLOSED
        posting.save(update_fields=["status", "updated_at"])
        versions.bump("platform")
        webhooks.postings_changed(organisation_id=posting.employer_id, event=webhooks.EVENT_CLOSED, postings=[posting])
    return posting


@transaction.atomic
def posting_renew(*, posting: Posting) -> Posting:
    """Another full lifetime from today; a closed or expired posting is published again."""
    was = posting.status
    posting.expires_at = timezone.now() + lifetime()
    posting.status = Posting.Status.PUBLISHED
    if posting.posted_at is None:
        posting.posted_at = timezone.now()
    posting.save(update_fields=["status", "posted_at", "expires_at", "updated_at"])
    versions.bump("platform")
    if was != Posting.Status.PUBLISHED:
        webhooks.postings_changed(
            organisation_id=posting.employer_id, event=webhooks.EVENT_PUBLISHED, postings=[posting]
        )
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
