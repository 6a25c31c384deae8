import json
from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from geo.resolve import resolve
from jobs.models import Employer, Posting
from jobs.pay import pay_comparisons
from roles.models import Category, Role

PAGE_SIZE = 20


def _int(raw: str | None, *, low: int, high: int) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


@require_GET
def listing(request: HttpRequest) -> HttpResponse:
    """Search and filter postings; every filter is a plain GET parameter, so it works without JavaScript."""
    params = request.GET
    notes: list[str] = []
    include_expired = params.get("expired") == "1"
    postings: QuerySet[Posting] = (
        Posting.objects.filter(status__in=[Posting.Status.PUBLISHED, Posting.Status.EXPIRED])
        if include_expired
        else Posting.objects.live()
    ).select_related("employer", "role", "area")
    query = params.get("q", "").strip()[:100]
    if query:
        # Matching employers first (a small table), so the postings scan needs no join.
        employers = list(Employer.objects.filter(name__icontains=query).values_list("pk", flat=True)[:500])
        postings = postings.filter(Q(title__icontains=query) | Q(employer_id__in=employers))
    role = Role.objects.filter(slug=params.get("role", "")).first() if params.get("role") else None
    if params.get("role") and role is None:
        notes.append("That role does not exist; showing all roles.")
    if role:
        postings = postings.filter(
            role_id__in=list(Role.objects.filter(occupation_id=role.occupation_id).values_list("pk", flat=True))
        )
    category = Category.objects.filter(slug=params.get("category", "")).first() if params.get("category") else None
    if category:
        postings = postings.filter(role_id__in=list(category.roles.values_list("pk", flat=True)))
    place = None
    if params.get("location", "").strip():
        resolution = resolve(params["location"])
        place = resolution.place
        if place:
            postings = postings.filter(area=place.area)
        else:
            notes.append(resolution.error or f"Several places match; try one of: {', '.join(resolution.choices[:5])}.")
    if params.get("remote") == "1":
        postings = postings.filter(arrangement=Posting.Arrangement.REMOTE)
    minimum = _int(params.get("min_salary"), low=0, high=10_000_000)
    if minimum:
        postings = postings.filter(Q(annual_max__gte=minimum) | Q(annual_max__isnull=True, annual_min__gte=minimum))
    days = _int(params.get("days"), low=1, high=3650)
    if days:
        postings = postings.filter(posted_at__gte=timezone.now() - timedelta(days=days))
    sort = params.get("sort", "newest")
    postings = (
        postings.order_by("-annual_max", "-posted_at", "-id")
        if sort == "salary"
        else postings.order_by("-posted_at", "-id")
    )
    page = Paginator(postings, PAGE_SIZE).get_page(params.get("page"))
    items = list(page.object_list)
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "postings": items,
        "pay": pay_comparisons(items),
        "role": role,
        "place": place,
        "notes": notes,
        "categories": Category.objects.all(),
        "params": params,
        "query_string": query_without_page.urlencode(),
        "include_expired": include_expired,
    }
    return render(request, "jobs/list.html", context)


def _json_ld(posting: Posting) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": posting.description or posting.title,
        "identifier": {
            "@type": "PropertyValue",
            "name": posting.employer.name,
            "value": posting.external_id or str(posting.pk),
        },
        "hiringOrganization": {"@type": "Organization", "name": posting.employer.name},
        "datePosted": posting.posted_at.date().isoformat() if posting.posted_at else None,
        "validThrough": posting.expires_at.isoformat() if posting.expires_at else None,
        "employmentType": posting.employment_type.upper(),
    }
    if posting.arrangement == Posting.Arrangement.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
    if posting.location_label:
        city, _, region = posting.location_label.partition(", ")
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressRegion": region[:2],
                "addressCountry": "US",
            },
        }
    if posting.salary_min is not None or posting.salary_max is not None:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": float(posting.salary_min or posting.salary_max or 0),
                "maxValue": float(posting.salary_max or posting.salary_min or 0),
                "unitText": "HOUR" if posting.salary_period == Posting.Period.HOUR else "YEAR",
            },
        }
    # Escape "<" so the description can never close the script element.
    return json.dumps({k: v for k, v in data.items() if v is not None}).replace("<", "\\u003c")


@require_GET
def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    posting = get_object_or_404(
        Posting.objects.select_related("employer", "role", "area").exclude(status=Posting.Status.DRAFT), pk=pk
    )
    if slug != posting.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        return redirect(posting, permanent=True)
    context = {
        "posting": posting,
        "pay": pay_comparisons([posting]).get(posting.pk),
        "json_ld": _json_ld(posting),
        "permalink": request.build_absolute_uri(posting.get_absolute_url()),
        "is_live": posting.status == Posting.Status.PUBLISHED
        and posting.expires_at
        and posting.expires_at > timezone.now(),
    }
    return render(request, "jobs/detail.html", context)
