"""Job alerts: which new postings match a saved search (or an open-to-work candidate's roles and place), and the
email that lists them. The writes (saving a search, a run that sends the emails) are `jobs.services.alerts`.

A saved search matches exactly what /jobs/ shows for its query string: it is read by `jobs.search.search_parse`
and run by `jobs.search.search_pages`, narrowed to the postings that went live in the run's window. A run matches
each distinct query once, however many people saved it (`matches_by_query`).

Links in an email are absolute: they are built from SITE_URL (set it; `check --deploy` warns until it is), else
`MAIL_FALLBACK_ORIGIN`, as a worker has no request to take a host from. Unsubscribe and feed links carry a
signed token (django.core.signing, SECRET_KEY): the unsubscribe link works without signing in (RFC 8058's
one-click POST included), and a feed's address is not its id, so nobody reads another's feed by counting."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from jobs.models import Posting
from jobs.pay import pay_comparisons
from jobs.search import ParsedSearch, search_pages, search_parse

MAIL_FALLBACK_ORIGIN = "http://localhost:8000"
MAX_LISTED = 20  # postings listed in one email; the rest are a link to the search
UNSUBSCRIBE_SALT = "jobs.alerts.unsubscribe"
FEED_SALT = "jobs.alerts.feed"


def mail_origin() -> str:
    return str(settings.SITE_URL or MAIL_FALLBACK_ORIGIN)


# Tokens. An unsubscribe token names what it stops: a saved search ("s") or a candidate's digest ("c", the user).


def unsubscribe_token(*, saved_search_id: int | None = None, candidate_user_id: int | None = None) -> str:
    value: dict[str, int | None] = {"s": saved_search_id} if saved_search_id is not None else {"c": candidate_user_id}
    return signing.dumps(value, salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str) -> tuple[str, int] | None:
    """("s", saved search id) or ("c", user id), or None for a token we did not sign (damaged, or made up)."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, dict) and len(value) == 1:
        kind, pk = next(iter(value.items()))
        if kind in ("s", "c") and isinstance(pk, int):
            return kind, pk
    return None


def feed_token(saved_search_id: int) -> str:
    return signing.dumps(saved_search_id, salt=FEED_SALT)


def feed_target(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


# Matching.


def parsed_query(query: str) -> ParsedSearch:
    """A saved query read as /jobs/ reads it, for open postings, newest first."""
    parsed = search_parse(QueryDict(query))
    parsed.search.include_expired = False
    parsed.search.sort = "newest"
    return parsed


def went_live_since(since: datetime) -> Q:
    """Postings that went live on the site after `since`: created then (a feed's posting, whatever date the feed gives
    it) or published then (`posted_at` is set when a draft is published). A posting republished after it closed
    keeps its first date, so it is not new again."""
    return Q(created_at__gt=since) | Q(posted_at__gt=since)


def went_live_at(posting: Posting) -> datetime:
    return max(moment for moment in (posting.created_at, posting.posted_at) if moment is not None)


def matches_by_query(queries: Iterable[str], since: datetime) -> dict[str, list[int]]:
    """query -> the ids of open postings it matches that went live after `since`, newest first: one SQL query per
    distinct query, each the /jobs/ search itself with the window added."""
    found: dict[str, list[int]] = {}
    window = went_live_since(since)
    for query in set(queries):
        parsed = parsed_query(query)
        if parsed.matches_nothing:
            found[query] = []  # a place that no longer resolves matches nothing, as on the page
            continue
        postings = search_pages(parsed.search)[0]
        found[query] = list(postings.filter(window).values_list("pk", flat=True))
    return found


# The email.


@dataclass(frozen=True)
class Listed:
    """One posting as an email lists it (built once a run, whoever gets it)."""

    pk: int
    title: str
    url: str
    employer: str
    place: str
    pay: str
    verdict: str
    went_live: datetime


def postings_listed(ids: Iterable[int]) -> dict[int, Listed]:
    """id -> what an email shows of each posting: its link, employer, place, pay as written and its pay verdict
    against the OEWS band (jobs.pay, one query for them all)."""
    wanted = list(set(ids))
    listed: dict[int, Listed] = {}
    origin = mail_origin()
    for start in range(0, len(wanted), 500):
        postings = list(
            Posting.objects.filter(pk__in=wanted[start : start + 500]).select_related("employer", "role", "area")
        )
        comparisons = pay_comparisons(postings)
        for posting in postings:
            comparison = comparisons.get(posting.pk)
            place = posting.location_label or posting.location_text or "United States"
            if posting.arrangement != Posting.Arrangement.ONSITE:
                place = f"{place} ({posting.get_arrangement_display()})"
            listed[posting.pk] = Listed(
                pk=posting.pk,
                title=posting.title,
                url=origin + posting.get_absolute_url(),
                employer=posting.employer.name,
                place=place,
                pay=render_to_string("jobs/_pay.html", {"posting": posting}).strip(),
                verdict=comparison.sentence if comparison else "",
                went_live=went_live_at(posting),
            )
    return listed


@dataclass
class Alert:
    """One email: to whom, about what, the postings it lists and its links."""

    to: str
    username: str
    title: str  # "Registered Nurses in Denver, CO", or "your open-to-work roles"
    search_url: str  # all the matches on the site
    unsubscribe_url: str
    manage_url: str
    postings: list[Listed] = field(default_factory=list)
    more: int = 0  # new matches beyond those listed
    why: str = ""

    def message(self) -> EmailMultiAlternatives:
        count = len(self.postings) + self.more
        subject = f"{count} new job{'s' if count != 1 else ''}: {self.title}"
        context: dict[str, Any] = {"alert": self, "count": count}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("jobs/email/alert.txt", context),
            to=[self.to],
            headers={
                # RFC 2369 and RFC 8058: a mail client offers "unsubscribe" and sends the one-click POST itself.
                "List-Unsubscribe": f"<{self.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(render_to_string("jobs/email/alert.html", context), "text/html")
        return message


def search_link(query: str) -> str:
    return mail_origin() + reverse("jobs:list") + (f"?{query}" if query else "")


def candidate_search_link(role_slug: str, place_label: str) -> str:
    params = {"role": role_slug, **({"location": place_label} if place_label else {})}
    return search_link(urlencode(params))
