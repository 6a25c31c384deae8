from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from geo.api import place_problem
from geo.resolve import MAX_LENGTH, autocomplete, resolve
from lib.http import cached_page, rate_limited
from occupations.services import soc_code_of
from roles.card import role_card
from roles.export import card_csv
from roles.models import Category, Role
from roles.schemas import RoleCardOut
from roles.search import search_roles
from roles.services import role_for_code
from sources import versions


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


@require_GET
@cached_page(version=versions.cache_version, params=("location",))
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = Role.objects.select_related("category", "occupation").filter(slug=slug).first()
    if role is None:
        return _role_by_code(request, slug)
    location = _location(request)
    card = role_card(role, location)
    place = urlencode({"location": card.place.label}) if card.place else ""
    place_query, place_param = (f"?{place}", f"&{place}") if place else ("", "")
    permalink = request.build_absolute_uri(role.get_absolute_url()) + place_query
    context = {
        "card": card,
        "role": role,
        "permalink": permalink,
        "place_query": place_query,
        "place_param": place_param,
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


def _work_rate() -> int:
    return settings.PAGE_WORK_RATE_PER_MINUTE


@require_GET
@rate_limited(per_minute=_work_rate)
@cached_page(version=versions.cache_version, params=("location",))
def role_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The role page's figures as JSON (exactly the API's role card) or CSV (every figure the page shows). A place
    that is ambiguous or unknown gets the same problem answer as the API (300 with the choices, 404, 422), never
    national rows in its stead."""
    role = get_object_or_404(Role.objects.select_related("category", "occupation"), slug=slug)
    location = _location(request)
    if location is not None:
        result = resolve(location)
        if result.place is None:
            return place_problem(result)
        location = result.place.label
    card = role_card(role, location)
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
