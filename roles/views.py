import csv
import io
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from geo.resolve import MAX_LENGTH, autocomplete
from lib.http import cached_page
from roles.card import RoleCard, role_card
from roles.models import Category, Role
from roles.search import search_roles


@require_GET
@cached_page()
def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(role_count=Count("roles")).filter(role_count__gt=0)
    featured = Role.objects.filter(is_curated=True).select_related("category")
    return render(request, "roles/home.html", {"categories": categories, "featured": featured})


@require_GET
@cached_page()
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
@cached_page()
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


def card_figures(card: RoleCard) -> dict[str, Any]:
    """The role page's figures as plain data (the CSV and JSON downloads)."""

    def wages(summary: Any) -> dict[str, Any] | None:
        if summary is None:
            return None
        estimate = summary.estimate
        return {
            "area": summary.area_name,
            "area_code": estimate.area_id,
            "occupation": estimate.occupation_id,
            "release": summary.release.name,
            "employment": estimate.employment,
            "annual": {
                key: getattr(estimate, f"annual_{key}") for key in ("p10", "p25", "median", "p75", "p90", "mean")
            },
            "hourly": {
                key: str(getattr(estimate, f"hourly_{key}")) if getattr(estimate, f"hourly_{key}") is not None else None
                for key in ("p10", "p25", "median", "p75", "p90", "mean")
            },
            "special_values": estimate.special or {},
            "source": summary.release.citation,
        }

    def market(estimate: Any) -> dict[str, Any] | None:
        if estimate is None:
            return None
        return {
            "area": estimate.area_name,
            "job_openings": estimate.openings,
            "candidate_supply": estimate.supply,
            "experienced_job_seekers": estimate.experienced,
            "new_entrants": estimate.new_entrants,
            "difficulty": str(estimate.difficulty) if estimate.difficulty is not None else None,
            "sources": [f"{c.label}: {c.source}" for c in estimate.citations],
            "notes": estimate.notes,
        }

    change = card.national_change
    return {
        "role": card.role.title,
        "occupation": {"soc_code": card.role.occupation_id, "title": card.role.occupation.title},
        "national": wages(card.national),
        "change_from_previous_year": None
        if change is None
        else {"percent": str(change.percent), "from": change.previous.release.name, "to": change.current.release.name},
        "market": market(card.market),
        "location": card.resolution.place.label if card.resolution and card.resolution.place else None,
        "local": wages(card.local),
        "local_market": market(card.local_market),
    }


@require_GET
@cached_page()
def role_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    role = get_object_or_404(Role.objects.select_related("category", "occupation"), slug=slug)
    figures = card_figures(role_card(role, _location(request)))
    if fmt == "json":
        response: HttpResponse = JsonResponse(figures, json_dumps_params={"indent": 2})
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "area", "figure", "value", "source"])
        for section in ("national", "local"):
            data = figures[section]
            if data:
                for key, value in data["annual"].items():
                    shown = value if value is not None else data["special_values"].get(f"annual_{key}", "")
                    writer.writerow([section, data["area"], f"annual {key}", shown, data["source"]])
                writer.writerow([section, data["area"], "employment", data["employment"], data["source"]])
        for section in ("market", "local_market"):
            data = figures[section]
            if data:
                for key in ("job_openings", "candidate_supply", "difficulty"):
                    writer.writerow([section, data["area"], key, data[key], "; ".join(data["sources"])])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{role.slug}.{fmt}"'
    return response


@require_GET
def place_autocomplete(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": autocomplete(request.GET.get("q", ""))})


@require_GET
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
