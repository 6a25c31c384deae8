"""Posting search, shared by /jobs/ and GET /api/v1/jobs: full text, filters, sort."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from geo.resolve import Place
from jobs import fulltext
from jobs.models import Posting
from roles.models import Category, Role


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


def search_postings(search: JobSearch) -> tuple[QuerySet[Posting], list[str]]:
    """The matching postings, sorted, and notes on anything in the search that was ignored."""
    notes: list[str] = []
    postings: QuerySet[Posting] = (
        Posting.objects.filter(status__in=[Posting.Status.PUBLISHED, Posting.Status.EXPIRED])
        if search.include_expired
        else Posting.objects.live()
    ).select_related("employer", "role", "area")
    if search.text.strip():
        text_filter = fulltext.matches(search.text)
        if text_filter is None:
            notes.append("The search has no words to look for; showing all postings.")
        else:
            postings = postings.filter(text_filter)
    # Role and category become lists of role ids (small tables), so the postings need no join.
    if search.role:
        same = Role.objects.filter(occupation_id=search.role.occupation_id).values_list("pk", flat=True)
        postings = postings.filter(role_id__in=list(same))
    if search.category:
        postings = postings.filter(role_id__in=list(search.category.roles.values_list("pk", flat=True)))
    if search.place:
        postings = postings.filter(area=search.place.area)
    if search.remote:
        postings = postings.filter(arrangement=Posting.Arrangement.REMOTE)
    if search.min_salary:
        minimum = search.min_salary
        postings = postings.filter(Q(annual_max__gte=minimum) | Q(annual_max__isnull=True, annual_min__gte=minimum))
    if search.days:
        postings = postings.filter(posted_at__gte=timezone.now() - timedelta(days=search.days))
    if search.sort == "salary":
        # Postings without pay go last on every database (PostgreSQL would put NULLs first in descending order).
        return postings.order_by(F("annual_max").desc(nulls_last=True), "-posted_at", "-id"), notes
    return postings.order_by("-posted_at", "-id"), notes
