"""Job alerts: which new postings match a saved search (or an open-to-work candidate's roles and place), and the
email that lists them. The writes (saving a search, a run that sends the emails) are `jobs.services.alerts`.

A saved search matches exactly what /jobs/ shows for its query string: it is read by `jobs.search.search_parse`
and its filters are those of `jobs.search.search_pages` (`search_admits`, in memory, for the postings that went live
in the run's window). A run matches each distinct query once, however many people saved it (`matches_by_query`).

Links in an email are absolute: they are built from SITE_URL (set it; `check --deploy` warns until it is), else
`MAIL_FALLBACK_ORIGIN`, as a worker has no request to take a host from. Unsubscribe and feed links carry a
signed token (django.core.signing, SECRET_KEY): the unsubscribe link works without signing in (RFC 8058's
one-click POST included), and a feed's address is not its id, so nobody reads another's feed by counting."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from jobs import fulltext
from jobs.models import Posting
from jobs.pay import pay_comparisons
from jobs.search import InMemory, ParsedSearch, SearchLookups, search_admits, search_parse
from roles.models import Role

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


def parsed_query(query: str, lookups: SearchLookups | None = None) -> ParsedSearch:
    """A saved query read as /jobs/ reads it, for open postings, newest first."""
    parsed = search_parse(QueryDict(query), lookups)
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
    """query -> the ids of open postings it matches that went live after `since`, newest first.

    Each distinct query is matched once, in memory, against the window's postings (`jobs.search.search_admits`, the
    filters of the /jobs/ search): the database is asked once per distinct text (full-text search is the
    database's) and once for the roles, not once per query (4,365 distinct searches of 10,000 took 55 s as queries,
    bench/alerts.py)."""
    window = Posting.objects.live().filter(went_live_since(since))
    postings = sorted(
        window.only("pk", "role_id", "area_id", "arrangement", "annual_min", "annual_max", "posted_at", "created_at"),
        key=lambda p: (went_live_at(p), p.pk),
        reverse=True,
    )
    by_role: dict[int | None, list[Posting]] = defaultdict(list)
    by_area: dict[str | None, list[Posting]] = defaultdict(list)
    for posting in postings:
        by_role[posting.role_id].append(posting)
        by_area[posting.area_id].append(posting)
    known = _in_memory(window)
    lookups, now = SearchLookups(), timezone.now()
    found: dict[str, list[int]] = {}
    for query in set(queries):
        parsed = parsed_query(query, lookups)
        if parsed.matches_nothing:
            found[query] = []  # a place that no longer resolves matches nothing, as on the page
            continue
        search = parsed.search
        if search.role:
            candidates = _of_roles(by_role, known.occupation_roles.get(search.role.occupation_id, set()), postings)
        elif search.category:
            candidates = _of_roles(by_role, known.category_roles.get(search.category.pk, set()), postings)
        elif search.place:
            candidates = by_area.get(search.place.area.pk, [])
        else:
            candidates = postings
        if fulltext.words(search.text):  # few postings match a text: look at those only
            text_ids = known.text_matches(search.text)
            candidates = [p for p in candidates if p.pk in text_ids]
        found[query] = [p.pk for p in candidates if search_admits(search, p, known, now)]
    return found


def _of_roles(by_role: dict[int | None, list[Posting]], roles: set[int], newest_first: list[Posting]) -> list[Posting]:
    """The postings filed under `roles`, still newest first."""
    wanted = {p.pk for role in roles for p in by_role.get(role, [])}
    return [p for p in newest_first if p.pk in wanted] if len(wanted) < len(newest_first) else newest_first


def _in_memory(window: QuerySet[Posting]) -> InMemory:
    occupation_roles: dict[str, set[int]] = defaultdict(set)
    category_roles: dict[int, set[int]] = defaultdict(set)
    for pk, occupation, category in Role.objects.values_list("pk", "occupation_id", "category_id"):
        occupation_roles[occupation].add(pk)
        category_roles[category].add(pk)
    by_words: dict[tuple[str, ...], set[int]] = {}
    by_text: dict[str, set[int]] = {}  # asked once per posting: the text as written, then its words

    def text_matches(text: str) -> set[int]:
        if text not in by_text:
            key = tuple(fulltext.words(text))
            if key not in by_words:
                matching = fulltext.search(window, text)
                by_words[key] = set(matching.values_list("pk", flat=True)) if matching is not None else set()
            by_text[text] = by_words[key]
        return by_text[text]

    return InMemory(text_matches=text_matches, occupation_roles=occupation_roles, category_roles=category_roles)


# The email.


@dataclass(frozen=True)
class Listed:
    """One posting as an email lists it, written once a run (as text and as HTML), whoever gets it."""

    pk: int
    url: str
    text: str
    html: SafeString


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
            url = origin + posting.get_absolute_url()
            context = {
                "posting": posting,
                "url": url,
                "place": place,
                "verdict": comparison.sentence if comparison else "",
            }
            listed[posting.pk] = Listed(
                pk=posting.pk,
                url=url,
                text=render_to_string("jobs/email/_posting.txt", context).strip(),
                html=mark_safe(render_to_string("jobs/email/_posting.html", context).strip()),  # noqa: S308 (escaped)
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
