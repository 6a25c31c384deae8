"""Writes for saved searches and their alerts: saving, renaming, changing how often, deleting, unsubscribing, and a
run that emails the new matches (`alerts_send`, by the worker: `jobs.tasks`; or `manage.py send_job_alerts`).

A run, for one frequency (daily or instant):
1. Who is subscribed: each saved search of that frequency, and, daily, each candidate open to work with job alerts
   on (one query per desired role: `/jobs/?role=...&location=...`).
2. Which postings are new to each: open, and live on the site after its marker (`checked_until`, looked back
   `OVERLAP` for postings committed late) and after the search was saved. Each distinct query is matched once.
3. In batches, each in one transaction: the subscriptions are locked (PostgreSQL: a run going at the same time
   skips them), postings already mailed to the person are dropped (`AlertDelivery`: one posting, one person, once,
   also enforced by a unique constraint), the deliveries and markers are written, and the emails sent over one
   connection. If sending fails the transaction rolls back: nothing is recorded and the next run sends them.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task  # type: ignore[import-untyped]

from jobs import alerts
from jobs.models import AlertDelivery, Candidate, Posting, SavedSearch
from jobs.search import saved_query, search_describe

logger = logging.getLogger("rolescope.alerts")

MAX_SAVED_SEARCHES = 50  # per person
OVERLAP = timedelta(minutes=15)  # a posting committed up to this long after it was stamped is still found
FIRST_CANDIDATE_DIGEST = timedelta(days=1)  # how far back a candidate's first digest looks
BATCH = 200  # subscriptions a transaction (and an SMTP connection) handles


class SavedSearchRefused(Exception):
    """A search that cannot be saved: the message says why, in words a person can act on."""


# Saved searches.


@transaction.atomic
def saved_search_save(
    *, owner: User, params: dict[str, str], frequency: str = SavedSearch.Frequency.DAILY
) -> tuple[SavedSearch, bool]:
    """Save the /jobs/ search of `params` for `owner` (the same search again is the one already saved: created is
    False). Raises SavedSearchRefused for a search that could match nothing or one past the limit."""
    query = saved_query(params)
    if len(query) > SavedSearch._meta.get_field("query").max_length:  # type: ignore[operator]
        raise SavedSearchRefused("This search is too long to save; use fewer words.")
    existing = SavedSearch.objects.filter(owner=owner, query=query).first()
    if existing is not None:
        return existing, False
    parsed = alerts.parsed_query(query)
    if parsed.unplaced is not None:
        raise SavedSearchRefused(f"{parsed.unplaced.message} Choose a place the search finds before saving it.")
    if SavedSearch.objects.filter(owner=owner).count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchRefused(
            f"You have {MAX_SAVED_SEARCHES} saved searches, the most you may keep; delete one first."
        )
    if frequency not in SavedSearch.Frequency.values:
        frequency = SavedSearch.Frequency.DAILY
    now = timezone.now()
    saved = SavedSearch.objects.create(
        owner=owner,
        query=query,
        name=search_describe(parsed)[:120],
        frequency=frequency,
        created_at=now,
        checked_until=now,
    )
    return saved, True


@transaction.atomic
def saved_search_update(*, saved_search: SavedSearch, name: str, frequency: str) -> SavedSearch:
    """Rename it, or change how often it emails. Turned back on, it mails only postings new from now."""
    saved_search.name = name.strip()[:120] or saved_search.name
    if frequency != saved_search.frequency and saved_search.frequency == SavedSearch.Frequency.OFF:
        saved_search.checked_until = timezone.now()
    saved_search.frequency = frequency
    saved_search.save(update_fields=["name", "frequency", "checked_until"])
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


@transaction.atomic
def alerts_unsubscribe(*, kind: str, pk: int) -> str | None:
    """Stop what an unsubscribe link names: a saved search's emails, or a candidate's digest. Returns what was
    stopped, in words, or None when it no longer exists. Unsubscribing twice is the same as once."""
    if kind == "s":
        saved = SavedSearch.objects.filter(pk=pk).first()
        if saved is None:
            return None
        SavedSearch.objects.filter(pk=pk).update(frequency=SavedSearch.Frequency.OFF)
        return f"emails for your saved search {saved.name}"
    changed = Candidate.objects.filter(user_id=pk).update(job_alerts=False)
    return "the daily email of new postings for the roles you want" if changed else None


# A run.


@dataclass
class Subscription:
    """Someone to email in a run: a saved search, or a candidate's digest (several queries, one per role)."""

    user_id: int
    email: str
    username: str
    queries: list[str]
    since: datetime  # postings that went live after this are new to it
    saved_search: SavedSearch | None = None
    candidate: Candidate | None = None
    title: str = ""
    matched: list[int] = field(default_factory=list)


@dataclass
class RunReport:
    frequency: str
    subscriptions: int = 0
    queries: int = 0
    new_postings: int = 0
    emails: int = 0
    postings_mailed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.frequency} alerts: {self.emails} emails listing {self.postings_mailed} postings, "
            f"{self.subscriptions} subscriptions ({self.queries} distinct searches), {self.new_postings} new postings"
        )


def _saved_subscriptions(frequency: str) -> list[Subscription]:
    searches = (
        SavedSearch.objects.filter(frequency=frequency, owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner")
        .order_by("pk")
    )
    return [
        Subscription(
            user_id=saved.owner_id,
            email=saved.owner.email,
            username=saved.owner.get_username(),
            queries=[saved.query],
            since=max(saved.checked_until - OVERLAP, saved.created_at),
            saved_search=saved,
            title=saved.name,
        )
        for saved in searches
    ]


def _candidate_subscriptions(now: datetime) -> list[Subscription]:
    candidates = (
        Candidate.objects.filter(open_to_work=True, job_alerts=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .prefetch_related("desired_roles")
        .order_by("pk")
    )
    subscriptions = []
    for candidate in candidates:
        roles = list(candidate.desired_roles.all())
        if not roles:
            continue
        place = candidate.location_label
        queries = [saved_query({"role": role.slug, "location": place}) for role in roles]
        marker = candidate.alerts_checked_until
        since = marker - OVERLAP if marker else now - FIRST_CANDIDATE_DIGEST
        title = ", ".join(role.title for role in roles) + (f" in {place}" if place else "")
        subscriptions.append(
            Subscription(
                user_id=candidate.user_id,
                email=candidate.user.email,
                username=candidate.user.get_username(),
                queries=queries,
                since=since,
                candidate=candidate,
                title=title,
            )
        )
    return subscriptions


def _match(subscriptions: list[Subscription], report: RunReport) -> dict[int, Posting]:
    """Fill each subscription's `matched` (ids, newest first) and return the new postings that any matched, with
    only what step 3 reads (when each went live)."""
    if not subscriptions:
        return {}
    since = min(sub.since for sub in subscriptions)
    window = Posting.objects.live().filter(alerts.went_live_since(since))
    went_live = {p.pk: p for p in window.only("pk", "created_at", "posted_at")}
    report.new_postings = len(went_live)
    if not went_live:
        return {}
    found = alerts.matches_by_query((q for sub in subscriptions for q in sub.queries), since)
    report.queries = len(found)
    for sub in subscriptions:
        ids = {pk for query in sub.queries for pk in found[query] if pk in went_live}
        fresh = [pk for pk in ids if alerts.went_live_at(went_live[pk]) > sub.since]
        sub.matched = sorted(fresh, key=lambda pk: (alerts.went_live_at(went_live[pk]), pk), reverse=True)
    return went_live


def alerts_send(*, frequency: str, now: datetime | None = None) -> RunReport:
    """Email each subscriber of `frequency` the postings new to them (module docstring). Safe to run twice, or two at
    once: a posting is mailed to a person once."""
    if frequency not in (SavedSearch.Frequency.DAILY, SavedSearch.Frequency.INSTANT):
        raise ValueError(f"alerts are sent daily or instant, not {frequency!r}")
    now = now or timezone.now()
    subscriptions = _saved_subscriptions(frequency)
    if frequency == SavedSearch.Frequency.DAILY:
        subscriptions += _candidate_subscriptions(now)
    report = RunReport(frequency=frequency, subscriptions=len(subscriptions))
    _match(subscriptions, report)
    mailing = [sub for sub in subscriptions if sub.matched]
    listed = alerts.postings_listed(pk for sub in mailing for pk in sub.matched[: alerts.MAX_LISTED])
    for start in range(0, len(subscriptions), BATCH):
        _send_batch(subscriptions[start : start + BATCH], listed, now, report)
    return report


def _locked(batch: list[Subscription]) -> list[Subscription]:
    """The batch's subscriptions still subscribed, locked for this transaction (PostgreSQL skips those another run
    holds: it is mailing them)."""
    search_ids = [sub.saved_search.pk for sub in batch if sub.saved_search]
    candidate_ids = [sub.candidate.pk for sub in batch if sub.candidate]
    frequency_of = dict(
        SavedSearch.objects.select_for_update(skip_locked=True).filter(pk__in=search_ids).values_list("pk", "frequency")
    )
    candidates = set(
        Candidate.objects.select_for_update(skip_locked=True)
        .filter(pk__in=candidate_ids, open_to_work=True, job_alerts=True)
        .values_list("pk", flat=True)
    )
    return [
        sub
        for sub in batch
        if (sub.saved_search and frequency_of.get(sub.saved_search.pk) == sub.saved_search.frequency)
        or (sub.candidate and sub.candidate.pk in candidates)
    ]


@transaction.atomic
def _send_batch(batch: list[Subscription], listed: dict[int, alerts.Listed], now: datetime, report: RunReport) -> None:
    subscribed = _locked(batch)
    matched = {pk for sub in subscribed for pk in sub.matched}
    sent = (
        set(
            AlertDelivery.objects.filter(user_id__in={sub.user_id for sub in subscribed}, posting_id__in=matched)
            .values_list("user_id", "posting_id")
            .iterator()
        )
        if matched
        else set()
    )
    deliveries: list[tuple[int, int, int | None]] = []
    messages = []
    for sub in subscribed:
        fresh = [pk for pk in sub.matched if (sub.user_id, pk) not in sent]
        if not fresh:
            continue
        sent.update((sub.user_id, pk) for pk in fresh)
        search_id = sub.saved_search.pk if sub.saved_search else None
        deliveries += [(sub.user_id, pk, search_id) for pk in fresh]
        messages.append(_alert(sub, fresh, listed).message())
        report.postings_mailed += len(fresh)
    _record(deliveries, now)
    _markers(subscribed, now=now)
    if messages:
        get_connection().send_messages(messages)  # raises: the transaction rolls back, the next run sends them
        report.emails += len(messages)


RECORD_CHUNK = 200  # rows an INSERT writes (800 parameters: within any SQLite's limit)


def _record(deliveries: list[tuple[int, int, int | None]], now: datetime) -> None:
    """Insert the deliveries (user, posting, saved search), RECORD_CHUNK rows a statement. Not bulk_create: a run
    records hundreds of thousands (bench/alerts.py: 370,000), and building a model for each took most of the run;
    nor one statement a row (executemany: on PostgreSQL the whole run took 57 s instead of 51 s). The unique
    constraint still refuses a posting recorded for the person already (by another run)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("user_id", "posting_id", "saved_search_id", "sent_at"))
    sent_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(deliveries), RECORD_CHUNK):
            chunk = deliveries[start : start + RECORD_CHUNK]
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            # Constant SQL but for the number of rows (the model's columns); the values travel as parameters.
            sql = f"INSERT INTO {quote(AlertDelivery._meta.db_table)} ({columns}) VALUES {rows}"
            cursor.execute(sql, [value for row in chunk for value in (*row, sent_at)])


def _markers(subscribed: list[Subscription], *, now: datetime) -> None:
    """Everything up to `now` was looked at for these subscriptions (and mailed, where it was new)."""
    search_ids = [sub.saved_search.pk for sub in subscribed if sub.saved_search]
    mailed_ids = [sub.saved_search.pk for sub in subscribed if sub.saved_search and sub.matched]
    SavedSearch.objects.filter(pk__in=search_ids).update(checked_until=now)
    if mailed_ids:
        SavedSearch.objects.filter(pk__in=mailed_ids).update(last_sent_at=now)
    Candidate.objects.filter(pk__in=[sub.candidate.pk for sub in subscribed if sub.candidate]).update(
        alerts_checked_until=now
    )


def _alert(sub: Subscription, fresh: list[int], listed: dict[int, alerts.Listed]) -> alerts.Alert:
    shown = [listed[pk] for pk in fresh[: alerts.MAX_LISTED] if pk in listed]
    if sub.saved_search is not None:
        token = alerts.unsubscribe_token(saved_search_id=sub.saved_search.pk)
        search_url = alerts.search_link(sub.saved_search.query)
        why = f"You saved the search {sub.saved_search.name} on rolescope and asked for "
        why += (
            "a daily email."
            if sub.saved_search.frequency == SavedSearch.Frequency.DAILY
            else "an email as jobs are published."
        )
        manage = reverse("alerts:list")
    else:
        token = alerts.unsubscribe_token(candidate_user_id=sub.user_id)
        search_url = (
            alerts.search_link(sub.queries[0]) if len(sub.queries) == 1 else alerts.mail_origin() + reverse("jobs:list")
        )
        why = "You are open to work on rolescope: this is the daily email of new postings for the roles you want."
        manage = reverse("candidates:profile")
    origin = alerts.mail_origin()
    return alerts.Alert(
        to=sub.email,
        username=sub.username,
        title=sub.title,
        search_url=search_url,
        unsubscribe_url=origin + reverse("alerts:unsubscribe", kwargs={"token": token}),
        manage_url=origin + manage,
        postings=shown,
        more=len(fresh) - len(shown),
        why=why,
    )


# Instant alerts: asked for once a transaction that published a posting commits.


def _queue_instant() -> None:
    async_task("jobs.tasks.job_alerts_instant")


def instant_alerts_after_commit() -> None:
    """Ask the worker for an instant-alerts run once the current transaction commits (once, however many postings it
    published: a board refresh publishing 5,000 postings queues one run). A lost request is made up by the schedule
    (`jobs.tasks.SCHEDULES`)."""
    if not any(entry[1] is _queue_instant for entry in connection.run_on_commit):  # (savepoints, hook, robust)
        transaction.on_commit(_queue_instant, robust=True)
