import csv
import io
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from geo.resolve import MAX_LENGTH, autocomplete
from lib.http import cached_page, rate_limited
from roles.card import role_card
from roles.models import Category, Role
from roles.schemas import RoleCardOut
from roles.search import search_roles
from sources import versions


@require_GET
@cached_page(version=versions.cache_version)
def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(role_count=Count("roles")).filter(role_count__gt=0)
    featured = Role.objects.filter(is_curated=True).select_related("category")
    return render(request, "roles/home.html", {"categories": categories, "featured": featured})


@require_GET
@cached_page(version=versions.cache_version, params=("q", "category"))
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_LENGTH]
    category_slug = request.GET.get("category", "")
    categories = list(Category.objects.annotate(role_count=Count("roles")).filter(role_count__gt=0))
    selected = next((c for c in categories if c.slug == category_slug), None)
    context: dict[str, Any] = {"query": query, "categories": categories, "selected": selected}
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
    role = get_object_or_404(Role.objects.select_related("category", "occupation"), slug=slug)
    location = _location(request)
    card = role_card(role, location)
    permalink = request.build_absolute_uri(role.get_absolute_url())
    if card.resolution and card.resolution.place:
        permalink += "?" + urlencode({"location": card.resolution.place.label})
    return render(request, "roles/detail.html", {"card": card, "role": role, "permalink": permalink})


@require_GET
def role_by_soc(request: HttpRequest, code: str) -> HttpResponse:
    role = Role.objects.filter(occupation_id=code).order_by("is_curated", "title").first()
    if role is None:
        raise Http404(f"No role for SOC code {code}.")
    query = request.GET.urlencode()
    return redirect(role.get_absolute_url() + (f"?{query}" if query else ""), permanent=False)


def _work_rate() -> int:
    return settings.PAGE_WORK_RATE_PER_MINUTE


@require_GET
@rate_limited(per_minute=_work_rate)
@cached_page(version=versions.cache_version, params=("location",))
def role_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The role page's figures as JSON (exactly the API's role card) or CSV."""
    role = get_object_or_404(Role.objects.select_related("category", "occupation"), slug=slug)
    card = RoleCardOut.of(role_card(role, _location(request)))
    if fmt == "json":
        response = HttpResponse(card.model_dump_json(indent=2), content_type="application/json")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "area", "figure", "value", "special", "source"])
        for section, wages in (("national", card.national), ("local", card.local)):
            if wages:
                for key, value in wages.annual.model_dump().items():
                    special = wages.special.get(f"annual_{key}", "")
                    writer.writerow(
                        [
                            section,
                            wages.area.name,
                            f"annual {key}",
                            "" if value is None else int(value),
                            special,
                            wages.release.citation,
                        ]
                    )
                writer.writerow(
                    [
                        section,
                        wages.area.name,
                        "employment",
                        wages.employment or "",
                        wages.special.get("employment", ""),
                        wages.release.citation,
                    ]
                )
        for section, market in (("market", card.market), ("local market", card.local_market)):
            if market:
                sources = "; ".join(f"{c.label}: {c.source}" for c in market.sources)
                for key in ("job_openings", "candidate_supply", "difficulty"):
                    value = getattr(market, key)
                    writer.writerow([section, market.area, key, "" if value is None else value, "", sources])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{role.slug}.{fmt}"'
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
