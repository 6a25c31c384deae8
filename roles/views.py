from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import RequestContext, Template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from geo.resolve import MAX_LENGTH, autocomplete, resolve
from lib.http import cached_page, rate_limited
from lib.problems import ApiProblem, problem_response
from lib.site import absolute_url
from market.platform import newest_postings
from occupations.services import soc_code_of
from roles.card import RoleCard, role_by_slug, role_card
from roles.export import card_csv
from roles.models import Category, Role
from roles.preview import HEIGHT, WIDTH, preview_text, render_png
from roles.profiles import profile_row_read
from roles.schemas import RoleCardOut
from roles.search import search_roles
from roles.sections import page_sections
from roles.services import role_for_code
from sources import versions
from wages.models import Release
from wages.queries import current_release, release_or_problem


@require_GET
@cached_page(version=versions.cache_version)
def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(role_count=Count("roles")).filter(role_count__gt=0)
    featured = Role.objects.filter(is_curated=True).select_related("category")
    return render(request, "roles/home.html", {"categories": categories, "featured": featured})


@require_GET
@cached_page(version=versions.cache_version, params=("q", "category", "location"))
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_LENGTH]
    category_slug = request.GET.get("category", "")
    place = resolve(request.GET["location"][:MAX_LENGTH]).place if request.GET.get("location") else None
    if query and (role := role_for_code(query)) is not None:  # a SOC or O*NET-SOC code: straight to its role
        return redirect(role.get_absolute_url() + (f"?{urlencode({'location': place.label})}" if place else ""))
    categories = list(Category.objects.annotate(role_count=Count("roles")).filter(role_count__gt=0))
    selected = next((c for c in categories if c.slug == category_slug), None)
    context: dict[str, Any] = {
        "query": query,
        "categories": categories,
        "selected": selected,
        "place": place,
        # the place travels with every link from here to a role or a category
        "place_query": f"?{urlencode({'location': place.label})}" if place else "",
        "place_param": f"&{urlencode({'location': place.label})}" if place else "",
    }
    if query:
        context["hits"] = search_roles(query, limit=25)
    else:
        roles = Role.objects.select_related("category").order_by("title")
        if selected:
            roles = roles.filter(category=selected)
        context["roles"] = roles
    return render(request, "roles/directory.html", context)


def _location(request: HttpRequest) -> str | None:
    raw = request.GET.get("location")
    return None if raw is None else raw[: MAX_LENGTH * 50]


RELEASE_MISSING = Template(
    """{% extends "base.html" %}{% block title %}Release not loaded · rolescope{% endblock %}
{% block meta %}<meta name="robots" content="noindex">{% endblock %}
{% block content %}<h1>{{ title }}</h1><div class="message" role="alert"><p>{{ detail }}</p>
{% if loaded %}<p>Releases loaded:</p><ul>{% for release in loaded %}
<li><a href="?release={{ release.year }}">{{ release.name }}</a>{% if release.staged %} (staged){% endif %}</li>
{% endfor %}</ul>{% endif %}
<p><a href="{{ current_url }}">See the current release</a>.</p></div>{% endblock %}"""
)


def _release(request: HttpRequest) -> Release | None:
    """The release `?release=YEAR` asks for (staged ones too); None without the parameter. Raises ApiProblem (404)
    for a release that is not loaded."""
    raw = request.GET.get("release")
    if raw is None:
        return None
    # 0000 too: release_or_problem reads 0 as "the current release", which ?release=0000 never asked for.
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or int(raw) == 0:
        raise ApiProblem(404, "Unknown release", f"“{raw[:20]}” is not a release year; give one like 2025.")
    return release_or_problem(int(raw))


def _release_missing(request: HttpRequest, problem: ApiProblem, current_url: str) -> HttpResponse:
    context = {
        "title": problem.title,
        "detail": problem.detail,
        "loaded": Release.objects.order_by("-year"),
        "current_url": current_url,
    }
    return HttpResponse(RELEASE_MISSING.render(RequestContext(request, context)), status=404)


def release_notice(release: Release, current: Release | None) -> str:
    """What a page showing a release other than the current one says first."""
    if release.staged:
        shown = f"shows {current.name}" if current else "shows no figures"
        return (
            f"You are looking at the staged {release.name} release. It is not public yet (without ?release= this "
            f"page {shown}); the figures and citations here come from {release.name}."
        )
    return f"You are looking at the {release.name} release, an earlier one; the current release is {current}."


@require_GET
@cached_page(version=versions.cache_version, params=("location", "release"))
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = role_by_slug(slug)
    if role is None:
        return _role_by_code(request, slug)
    try:
        release = _release(request)
    except ApiProblem as problem:
        return _release_missing(request, problem, role.get_absolute_url())
    notice, year = "", 0
    if release is not None and release != (current := current_release()):
        notice, year = release_notice(release, current), release.year
    location = _location(request)
    row = profile_row_read(role.occupation_id, year, role.id)  # with the role's stored sections, one query
    card = role_card(role, location, year, row=row)
    place = urlencode({"location": card.place.label}) if card.place else ""
    # links to this page, related roles and the downloads keep the release asked for; the permalink (canonical,
    # shared) is the public page
    view = urlencode(({"location": card.place.label} if card.place else {}) | ({"release": year} if year else {}))
    permalink = absolute_url(request, role.get_absolute_url()) + (f"?{place}" if place else "")
    preview = reverse("roles:preview", args=[role.slug]) + (f"?{view}" if view else "")
    context = {
        "card": card,
        "role": role,
        "permalink": permalink,
        # the link-preview image: the same card's Low/Medium/High and release (roles.preview)
        "preview_image": absolute_url(request, preview),
        "preview_alt": preview_text(card).alt,
        "preview_size": (WIDTH, HEIGHT),
        "place_query": f"?{view}" if view else "",
        "place_param": f"&{place}" if place else "",
        "release_notice": notice,
        "release_year": year,
        # the place-independent sections (roles.sections.SECTIONS), stored rendered with the role's profile
        **page_sections(card, row),
        # the job board's newest postings for the role near the place (no query when none is open anywhere)
        "newest_postings": newest_postings(
            role.slug, card.place.area.code if card.place else None, card.place.label if card.place else ""
        )
        if card.platform.active_postings
        else "",
    }
    return render(request, "roles/detail.html", context)


@require_GET
def role_by_soc(request: HttpRequest, code: str) -> HttpResponse:
    return _role_by_code(request, code)


def _role_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """/roles/soc/29-1141.00/ and /roles/29-1141/: the role of the occupation a SOC or O*NET-SOC code names."""
    role = role_for_code(code)
    if role is None:
        raise Http404(f"No role for the code {code[:20]}." if soc_code_of(code) else "No such role.")
    query = request.GET.urlencode()
    return redirect(role.get_absolute_url() + (f"?{query}" if query else ""), permanent=False)


def _strict_card(request: HttpRequest, role: Role) -> RoleCard:
    """The card of `role` for the request's place and release, as the downloads and the preview read them: a place
    that does not resolve to one, or a release that is not loaded, raises its ApiProblem."""
    release = _release(request)
    location = _location(request)
    if location is not None:
        location = resolve(location).place_or_problem().label
    return role_card(role, location, release.year if release is not None else 0)


def _work_rate() -> int:
    return settings.PAGE_WORK_RATE_PER_MINUTE


@require_GET
@cached_page(version=versions.cache_version, params=("location", "release"), max_age=3600)
def role_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The link-preview image (`og:image`) of the role page: the same card, its Low/Medium/High and release. An
    unknown role is a 404; a place or release that does not resolve gets the downloads' problem answer (404 for an
    unknown place, 300 with the choices for an ambiguous one), never a picture of other figures. Kept per data
    version by `cached_page` (ETag, 304)."""
    role = role_by_slug(slug)
    if role is None:
        raise Http404("No such role.")
    try:
        card = _strict_card(request, role)
    except ApiProblem as problem:
        return problem_response(problem.status, problem.title, problem.detail, **problem.extra)
    return HttpResponse(render_png(preview_text(card)), content_type="image/png")


@require_GET
@rate_limited(per_minute=_work_rate)
@cached_page(version=versions.cache_version, params=("location", "release"))
def role_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The role page's figures as JSON (exactly the API's role card) or CSV (every figure the page shows). A place
    that is ambiguous or unknown gets the same problem answer as the API (300 with the choices, 404, 422), never
    national rows in its stead; so does a release that is not loaded."""
    role = get_object_or_404(Role.objects.select_related("category", "occupation"), slug=slug)
    try:
        card = _strict_card(request, role)
    except ApiProblem as problem:
        return problem_response(problem.status, problem.title, problem.detail, **problem.extra)
    if fmt == "json":
        response = HttpResponse(RoleCardOut.of(card).model_dump_json(indent=2), content_type="application/json")
    else:
        response = HttpResponse(card_csv(card), content_type="text/csv; charset=utf-8")
    place = f"-{slugify(card.place.label)}" if card.place else ""
    response["Content-Disposition"] = f'attachment; filename="{role.slug}{place}.{fmt}"'
    return response


@require_GET
@rate_limited(per_minute=_work_rate)
def place_autocomplete(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": autocomplete(request.GET.get("q", ""))})


@require_GET
@rate_limited(per_minute=_work_rate)
def role_autocomplete(request: HttpRequest) -> JsonResponse:
    hits = search_roles(request.GET.get("q", ""), limit=8)
    return JsonResponse(
        {
            "results": [
                {
                    "title": h.title,
                    "matched": h.matched,
                    "url": reverse("roles:detail", args=[h.slug]),
                    "soc": h.soc_code,
                }
                for h in hits
            ]
        }
    )
