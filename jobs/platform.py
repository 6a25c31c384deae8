"""The job board's counts for the market figures (market.platform): postings open now and candidates open to
work, for every occupation nationally (one grouped query a table) and for one occupation in one OEWS area.
Registered with `market` when the app starts."""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from jobs.models import Candidate, Posting
from jobs.pay import pay_comparisons

NEWEST = 5  # postings listed on a role page


def count_open(occupation_code: str, area_code: str | None) -> tuple[tuple[int, int], tuple[int, int]]:
    """((postings, candidates) in the nation, (postings, candidates) in area `area_code`, the nation's for None) for
    one occupation: one query a table, the area's counts beside the nation's."""
    postings = Posting.objects.live().filter(role__occupation_id=occupation_code)
    candidates = Candidate.objects.filter(open_to_work=True, desired_roles__occupation_id=occupation_code)
    if area_code is None:
        nation_postings = postings.count()
        nation_candidates = candidates.distinct().count()
        return (nation_postings, nation_candidates), (nation_postings, nation_candidates)
    local = Q(area_id=area_code)
    posted = postings.aggregate(nation=Count("pk"), local=Count("pk", filter=local))
    open_ = candidates.aggregate(nation=Count("pk", distinct=True), local=Count("pk", distinct=True, filter=local))
    return (posted["nation"], open_["nation"]), (posted["local"], open_["local"])


def count_open_nation() -> dict[str, tuple[int, int]]:
    """(postings, candidates) open in the nation for every occupation that has either: one grouped query a table,
    the same counts `count_open(code, None)` gives one by one."""
    counts: dict[str, list[int]] = {}
    for code, postings in (
        Posting.objects.live()
        .order_by()
        .values("role__occupation_id")
        .annotate(n=Count("pk"))
        .values_list("role__occupation_id", "n")
    ):
        counts.setdefault(code, [0, 0])[0] = postings
    for code, candidates in (
        Candidate.objects.filter(open_to_work=True, desired_roles__isnull=False)
        .order_by()
        .values("desired_roles__occupation_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("desired_roles__occupation_id", "n")
    ):
        counts.setdefault(code, [0, 0])[1] = candidates
    return {code: (postings, candidates) for code, (postings, candidates) in counts.items()}


def newest_for_role(role_slug: str, area_code: str | None, place_label: str) -> str:
    """The role page's "newest postings" section: the newest live postings for the role in the place's area (and
    remote ones, which anyone there can take), or nationwide without a place, each with its pay verdict."""
    postings = Posting.objects.live().filter(role__slug=role_slug)
    if area_code is not None:
        postings = postings.filter(Q(area_id=area_code) | Q(arrangement=Posting.Arrangement.REMOTE))
    newest = list(postings.select_related("employer", "role", "area").order_by("-posted_at", "-id")[:NEWEST])
    context = {"postings": newest, "pay": pay_comparisons(newest), "place": place_label, "role_slug": role_slug}
    return render_to_string("jobs/_role_postings.html", context)
