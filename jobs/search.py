"""Posting search, shared by /jobs/ and GET /api/v1/jobs: full text, filters, sort."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, F, OrderBy, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from geo.resolve import Place, Resolution, resolve
from jobs import fulltext
from jobs.models import Posting
from roles.models import Category, Role
from roles.services import role_for_code


@dataclass
class JobSearch:
    text: str = ""
    role: Role | None = None
    category: Category | None = None
    place: Place | None = None  # postings in the place's area (its metro area, for a city or ZIP)
    remote: bool = False
    min_salary: int | None = None  # a year, USD; hourly pay counts as x 2,080
    days: int | None = None  # posted within this many days
    sort: str = "newest"  # or "salary"
    include_expired: bool = False


def _roles(ids: list[int], *, in_order: bool) -> Q:
    """Postings filed under these roles. `in_order` on SQLite: without the role index (a unary plus), so a page of
    many matches is read in the sort order instead of reading every match and sorting them (see `search_pages`)."""
    if in_order and connection.vendor == "sqlite" and ids:
        placeholders = ", ".join(["%s"] * len(ids))
        # The SQL is constant but for the number of placeholders; the ids travel as parameters.
        sql = f'+"jobs_posting"."role_id" IN ({placeholders})'
        return Q(RawSQL(sql, ids, output_field=BooleanField()))  # noqa: S611
    return Q(role_id__in=ids)


def search_pages(search: JobSearch) -> tuple[QuerySet[Posting], QuerySet[Posting], list[str]]:
    """The matching postings, sorted, twice, and notes on anything in the search that was ignored. The plain
    form is for counting, and for a search matching few postings. The other is one that SQLite reads in the sort
    order, stopping after a page (for a page of a search matching more postings than jobs.pagination counts): its
    role and text filters would otherwise have it look up every match and sort them all (800 ms for 100,000
    matches over 1,000,000 postings), while the plain form counts faster. PostgreSQL plans both well, so there
    they are the same query."""
    notes: list[str] = []
    postings: QuerySet[Posting] = (
        Posting.objects.filter(status__in=[Posting.Status.PUBLISHED, Posting.Status.EXPIRED])
        if search.include_expired
        else Posting.objects.live()
    ).select_related("employer", "role", "area")
    in_order = postings
    if search.text.strip():
        found = fulltext.search(postings, search.text)
        if found is None:
            notes.append("The search has no words to look for; showing all postings.")
        else:
            postings = found
            in_order = in_order.filter(fulltext.matches(search.text, in_order=True))
    # Role and category become lists of role ids (small tables), so the postings need no join.
    role_lists = []
    if search.role:
        role_lists.append(
            list(Role.objects.filter(occupation_id=search.role.occupation_id).values_list("pk", flat=True))
        )
    if search.category:
        role_lists.append(list(search.category.roles.values_list("pk", flat=True)))
    for ids in role_lists:
        postings = postings.filter(role_id__in=ids)
        in_order = in_order.filter(_roles(ids, in_order=True))
    common = Q()
    if search.place:
        common &= Q(area=search.place.area)
    if search.remote:
        common &= Q(arrangement=Posting.Arrangement.REMOTE)
    if search.min_salary:
        minimum = search.min_salary
        common &= Q(annual_max__gte=minimum) | Q(annual_max__isnull=True, annual_min__gte=minimum)
    if search.days:
        common &= Q(posted_at__gte=timezone.now() - timedelta(days=search.days))
    postings, in_order = postings.filter(common), in_order.filter(common)
    order: list[str | OrderBy]
    if search.sort == "salary":
        # Postings without pay go last on every database (PostgreSQL would put NULLs first in descending order).
        order = [F("annual_max").desc(nulls_last=True), "-posted_at", "-id"]
    else:
        order = ["-posted_at", "-id"]
    if connection.vendor != "sqlite" or search.sort == "salary":  # no index gives the order by pay
        in_order = postings
    return postings.order_by(*order), in_order.order_by(*order), notes


# The parameters of /jobs/ a saved search keeps, in this order: what decides which postings match. The sort, the
# page and "include expired" are left out (an alert lists new, open postings, newest first).
SAVED_PARAMETERS = ("q", "role", "category", "location", "remote", "min_salary", "days")


@dataclass
class ParsedSearch:
    """A /jobs/ query string read as the page reads it: the search, notes on what was ignored, and the resolution of
    a place that did not resolve (then nothing matches: never every posting for a place we could not find)."""

    search: JobSearch
    notes: list[str]
    unplaced: Resolution | None = None

    @property
    def matches_nothing(self) -> bool:
        return self.unplaced is not None


def int_parameter(raw: str | None, *, low: int, high: int) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


class SearchLookups:
    """The rows a query string names (a role, a category, a place), looked up once each: one alert run reads
    thousands of saved searches, most naming the same few."""

    def __init__(self) -> None:
        self._roles: dict[str, Role | None] = {}
        self._categories: dict[str, Category | None] = {}
        self._places: dict[str, Resolution] = {}

    def role(self, text: str) -> Role | None:
        if text not in self._roles:
            self._roles[text] = Role.objects.filter(slug=text).first() or role_for_code(text)
        return self._roles[text]

    def category(self, slug: str) -> Category | None:
        if slug not in self._categories:
            self._categories[slug] = Category.objects.filter(slug=slug).first()
        return self._categories[slug]

    def place(self, text: str) -> Resolution:
        if text not in self._places:
            self._places[text] = resolve(text)
        return self._places[text]


def search_parse(params: Mapping[str, str], lookups: SearchLookups | None = None) -> ParsedSearch:
    """The search a /jobs/ query string asks for. The page, saved searches, their alerts and feeds all read a
    query string here, so each shows the postings the page shows for it."""
    lookups = lookups or SearchLookups()
    notes: list[str] = []
    role_text = params.get("role", "")[:120]
    role = lookups.role(role_text) if role_text else None
    if role_text and role is None:
        notes.append("That role does not exist; showing all roles.")
    category = lookups.category(params.get("category", "")) if params.get("category") else None
    place, unplaced = None, None
    if params.get("location", "").strip():
        resolution = lookups.place(params["location"])
        place = resolution.place
        if place is None:
            unplaced = resolution
    search = JobSearch(
        text=params.get("q", "")[:100],
        role=role,
        category=category,
        place=place,
        remote=params.get("remote") == "1",
        min_salary=int_parameter(params.get("min_salary"), low=0, high=10_000_000),
        days=int_parameter(params.get("days"), low=1, high=3650),
        sort=params.get("sort", "newest"),
        include_expired=params.get("expired") == "1",
    )
    return ParsedSearch(search=search, notes=notes, unplaced=unplaced)


@dataclass
class InMemory:
    """What `search_admits` needs besides the postings: the postings each text matches (`fulltext`, asked of the
    database once per distinct text), the roles of each occupation and of each category (small tables, read once)."""

    text_matches: Callable[[str], set[int]]
    occupation_roles: Mapping[str, set[int]]
    category_roles: Mapping[int, set[int]]


def search_admits(search: JobSearch, posting: Posting, known: InMemory, now: datetime) -> bool:
    """Whether an open posting already in memory passes `search`'s filters: the filters of `search_pages`, one by
    one, for an alert run matching thousands of searches against a day's new postings without a query each
    (jobs.alerts). jobs/tests/test_alerts.py checks that both find the same postings for every kind of filter."""
    if search.text.strip() and fulltext.words(search.text) and posting.pk not in known.text_matches(search.text):
        return False
    if search.role and posting.role_id not in known.occupation_roles.get(search.role.occupation_id, set()):
        return False
    if search.category and posting.role_id not in known.category_roles.get(search.category.pk, set()):
        return False
    if search.place and posting.area_id != search.place.area.pk:
        return False
    if search.remote and posting.arrangement != Posting.Arrangement.REMOTE:
        return False
    if search.min_salary and not _pays_at_least(posting, search.min_salary):
        return False
    return not search.days or (posting.posted_at is not None and posting.posted_at >= now - timedelta(days=search.days))


def _pays_at_least(posting: Posting, minimum: int) -> bool:
    # As search_pages: the top of the range, or its only end when there is no top.
    if posting.annual_max is not None:
        return posting.annual_max >= minimum
    return posting.annual_min is not None and posting.annual_min >= minimum


def saved_query(params: Mapping[str, str]) -> str:
    """The query string a saved search keeps for /jobs/ parameters: the ones that decide the matches, non-empty, in
    one order, so the same search saved twice (or by two people) is the same string."""
    kept = []
    for name in SAVED_PARAMETERS:
        value = (params.get(name) or "").strip()
        if name == "remote" and value != "1":
            continue
        if value:
            kept.append((name, value[:120]))
    return urlencode(kept)


def search_describe(parsed: ParsedSearch) -> str:
    """A short name for a search, as a person would say it: "nurse jobs, Registered Nurses, in Denver, CO"."""
    search = parsed.search
    parts = []
    if search.text.strip():
        parts.append(f"“{search.text.strip()}”")
    if search.role:
        parts.append(search.role.title)
    elif search.category:
        parts.append(search.category.name)
    if search.place:
        parts.append(f"in {search.place.label}")
    if search.remote:
        parts.append("remote")
    if search.min_salary:
        parts.append(f"from ${search.min_salary:,} a year")
    return " ".join(parts) or "All jobs"
