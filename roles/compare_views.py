"""/compare/: up to 5 roles x 5 places on one page, its permalink and its downloads (`&format=csv|xlsx`)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from geo.resolve import MAX_LENGTH
from lib.http import cached_page, rate_limited
from lib.problems import ApiProblem
from roles.compare import PAGE_LIMIT, UNITS, compare, roles_of
from roles.compare_chart import charts
from roles.compare_export import comparison_csv, comparison_xlsx
from roles.views import _release, _work_rate
from sources import versions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARAMS = ("role", "location", "unit", "release", "format")


def _asked(request: HttpRequest, name: str) -> tuple[list[str], bool]:
    """The non-blank values of a repeated parameter, each once, at most PAGE_LIMIT; and whether more were given."""
    values = list(dict.fromkeys(v.strip()[:MAX_LENGTH] for v in request.GET.getlist(name) if v.strip()))
    return values[:PAGE_LIMIT], len(values) > PAGE_LIMIT


def _query(roles: list[str], places: list[str], unit: str, year: int) -> str:
    pairs = [("role", r) for r in roles] + [("location", p) for p in places]
    pairs += [("unit", unit)] if unit != "published" else []
    pairs += [("release", str(year))] if year else []
    return urlencode(pairs)


@require_GET
@rate_limited(per_minute=_work_rate)
@cached_page(version=versions.cache_version, params=PARAMS)
def compare_page(request: HttpRequest) -> HttpResponse:
    role_texts, too_many_roles = _asked(request, "role")
    place_texts, too_many_places = _asked(request, "location")
    unit = request.GET.get("unit", "published")
    unit = unit if unit in UNITS else "published"
    messages = [f"Compare at most {PAGE_LIMIT} roles at once; the first {PAGE_LIMIT} are shown."] * too_many_roles
    messages += [f"Compare at most {PAGE_LIMIT} places at once; the first {PAGE_LIMIT} are shown."] * too_many_places
    try:
        release = _release(request)
    except ApiProblem as missing:
        messages.append(missing.detail)
        release = None
    year = release.year if release is not None else 0
    roles, problems = roles_of(role_texts)
    for problem in problems:
        near = [str(s) for s in problem.extra.get("suggestions") or []][:3]
        messages.append(problem.detail + (f" Did you mean {', '.join(near)}?" if near else ""))
    comparison = compare(roles, place_texts, year=year, unit=unit) if roles else None
    query = _query([r.slug for r in roles] or role_texts, place_texts, unit, year)
    permalink = request.build_absolute_uri(request.path) + (f"?{query}" if query else "")
    fmt = request.GET.get("format")
    if comparison is not None and fmt in ("csv", "xlsx"):
        return _download(comparison, fmt, permalink)
    context: dict[str, Any] = {
        "comparison": comparison,
        "charts": charts(comparison) if comparison else [],
        "messages_shown": messages,
        "role_inputs": _inputs(role_texts),
        "place_inputs": _inputs(place_texts),
        "unit": unit,
        "units": (("published", "As BLS publishes"), ("annual", "Annual"), ("hourly", "Hourly")),
        "year": year,
        "query": query,
        "permalink": permalink,
        "choice_links": _choice_links(comparison, role_texts, place_texts, unit, year),
    }
    return render(request, "roles/compare.html", context)


def _inputs(values: list[str]) -> list[tuple[int, str]]:
    return [(index + 1, values[index] if index < len(values) else "") for index in range(PAGE_LIMIT)]


def _choice_links(
    comparison: Any, roles: list[str], places: list[str], unit: str, year: int
) -> dict[str, list[tuple[str, str]]]:
    """Place asked -> (choice, the page's URL with that choice in its stead), for each place with choices."""
    links: dict[str, list[tuple[str, str]]] = {}
    if comparison is None:
        return links
    for column in comparison.columns:
        if column.resolution is not None and column.resolution.choices:
            links[column.query] = [
                (choice, "?" + _query(roles, [choice if p == column.query else p for p in places], unit, year))
                for choice in column.resolution.choices[:10]
            ]
    return links


def _download(comparison: Any, fmt: str, permalink: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(comparison_csv(comparison), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(comparison_xlsx(comparison, permalink), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="rolescope-compare-{comparison.release.year}.{fmt}"'
    return response
