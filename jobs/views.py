import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from accounts.models import Organisation
from accounts.permissions import is_editor, organisation_of
from accounts.services import organisation_members
from geo.resolve import MAX_LENGTH, Place, resolve
from jobs.forms import (
    CandidateForm,
    EmployerForm,
    PostingForm,
)
from jobs.models import Candidate, Posting
from jobs.pagination import InvalidCursor, page_of
from jobs.pay import PayComparison, pay_comparisons, pay_preview
from jobs.schemas import PostingFields
from jobs.search import int_parameter, saved_query, search_pages, search_parse
from jobs.services.candidates import candidate_save
from jobs.services.organisations import organisation_profile_update
from jobs.services.postings import (
    PostingInvalid,
    posting_close,
    posting_for_pay_check,
    posting_publish,
    posting_renew,
    posting_upsert,
)
from lib.api import field_message
from lib.site import absolute_url
from roles.models import Category
from wages.models import money

PAGE_SIZE = 20


def account_panel(user: User) -> dict[str, Any]:
    """What the account page shows of the job board: the organisation's postings, or the candidate profile."""
    return {
        "employer": organisation_of(user),
        "editor": is_editor(user),
        "candidate": Candidate.objects.filter(user=user).first(),
    }


def _managed(user: User | AnonymousUser) -> QuerySet[Posting]:
    """The postings `user` may change."""
    return Posting.objects.managed_by(organisation=organisation_of(user), editor=is_editor(user))


def place_links(place: Place | None) -> dict[str, str]:
    """What links add to keep the place: "?location=..." for a bare link, "&location=..." after other parameters."""
    if place is None:
        return {"place_query": "", "place_param": ""}
    encoded = urlencode({"location": place.label})
    return {"place_query": f"?{encoded}", "place_param": f"&{encoded}"}


@require_GET
def listing(request: HttpRequest) -> HttpResponse:
    """Search and filter postings; every filter is a plain GET parameter, so it works without JavaScript."""
    params = request.GET
    parsed = search_parse(params)
    role, place, unplaced = parsed.search.role, parsed.search.place, parsed.unplaced
    include_expired = parsed.search.include_expired
    postings, in_order, search_notes = search_pages(parsed.search)
    notes = parsed.notes + search_notes
    if unplaced is not None:
        postings = in_order = postings.none()  # never every posting for a place we could not find
    # Capped count and keyset pages (jobs.pagination): "Next" carries a cursor; `page=N` links still work.
    status = 200
    try:
        number = int_parameter(params.get("page"), low=1, high=10_000)
        page = page_of(
            postings, page_size=PAGE_SIZE, cursor=params.get("cursor"), number=number, clamp=True, in_order=in_order
        )
    except InvalidCursor as invalid:
        notes.append(f"{invalid} Showing the first page.")
        status = 400
        page = page_of(postings, page_size=PAGE_SIZE, in_order=in_order)
    items = page.items
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    query_without_page.pop("cursor", None)
    query_without_place = query_without_page.copy()
    query_without_place.pop("location", None)
    context: dict[str, Any] = {
        "page": page,
        "postings": items,
        "pay": pay_comparisons(items),
        "role": role,
        "place": place,
        "unplaced": unplaced,
        "notes": notes,
        **place_links(place),
        "categories": Category.objects.all(),
        "params": params,
        "query_string": query_without_page.urlencode(),
        "query_without_place": query_without_place.urlencode(),
        "include_expired": include_expired,
        "saved_query": saved_query(params),
    }
    return render(request, "jobs/list.html", context, status=status)


def _json_ld(posting: Posting) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        # Sanitised HTML for postings written here (schema.org allows HTML); feeds' plain text as it came.
        "description": (posting.description if posting.source else posting.description_html) or posting.title,
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
    user = request.user
    visible = Posting.objects.visible_to(organisation=organisation_of(user), editor=is_editor(user))
    # A draft is seen only by its organisation (and editors): to anyone else it does not exist.
    posting = get_object_or_404(visible.select_related("employer", "role", "area"), pk=pk)
    can_manage = user.is_authenticated and _managed(user).filter(pk=pk).exists()
    if slug != posting.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        query = request.GET.urlencode()
        return redirect(posting.get_absolute_url() + (f"?{query}" if query else ""), permanent=True)
    if not can_manage and not _robot(request):
        # Counted in the database, not in the page: the anonymous page may be served from the cache in front.
        Posting.objects.filter(pk=posting.pk).update(views=F("views") + 1)
    location = request.GET.get("location", "")[:MAX_LENGTH]
    context = {
        "posting": posting,
        "pay": pay_comparisons([posting]).get(posting.pk),
        "json_ld": _json_ld(posting),
        # Postings written here are Markdown; imported feeds' descriptions are plain text, shown as such.
        "description_html": posting.description_html,
        "can_manage": can_manage,
        "permalink": absolute_url(request, posting.get_absolute_url()),
        "is_live": posting.is_live,
        **place_links(resolve(location).place if location.strip() else None),
    }
    return render(request, "jobs/detail.html", context)


_ROBOTS = re.compile(r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python|http-client|scrapy", re.IGNORECASE)


def _robot(request: HttpRequest) -> bool:
    """A client that says it is a program (or says nothing): not counted as a reader."""
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(_ROBOTS.search(agent))


@require_GET
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a posting's Apply link: count the click, then go to the address the posting stores, exactly as stored.
    Only that address (never one from the request: no open redirect) and only a web address."""
    posting = get_object_or_404(Posting.objects.exclude(status=Posting.Status.DRAFT), pk=pk)
    if not posting.apply_url.startswith(("https://", "http://")):
        raise Http404("This posting has no web address to apply at.")
    user = request.user
    own = user.is_authenticated and organisation_of(user) == posting.employer
    if posting.is_live and not own and not _robot(request):
        Posting.objects.filter(pk=pk).update(apply_clicks=F("apply_clicks") + 1)
    response = HttpResponseRedirect(posting.apply_url)
    response["Cache-Control"] = "private, no-store"  # every click reaches the app and is counted
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


def employer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's public profile and its open postings."""
    employer = get_object_or_404(Organisation, slug=slug)
    postings = Posting.objects.live().filter(employer=employer).select_related("role", "area")[:100]
    context = {
        "employer": employer,
        "postings": postings,
        "about": employer.description_html,
        "is_member": organisation_of(request.user) == employer,
    }
    return render(request, "jobs/employer.html", context)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """The organisation's postings in every state, with what can be done to each."""
    user = _user(request)
    employer, editor = organisation_of(user), is_editor(user)
    if employer is None and not editor:
        return render(request, "jobs/not_employer.html", status=403)
    postings = _managed(user).select_related("employer", "role", "area").order_by("-updated_at", "-id")
    status = request.GET.get("status", "")
    if status in Posting.Status.values:
        postings = postings.filter(status=status)
    page = Paginator(postings, 50).get_page(request.GET.get("page"))
    comparisons = pay_comparisons(list(page.object_list))
    context = {
        "rows": [(posting, comparisons.get(posting.pk)) for posting in page.object_list],
        "employer": employer,
        "editor": editor,
        "page": page,
        "status": status,
        "statuses": Posting.Status,
        "lifetime_days": settings.POSTING_LIFETIME_DAYS,
    }
    return render(request, "jobs/manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new posting (pk None) or change one of the organisation's own."""
    user = _user(request)
    employer = organisation_of(user)
    if pk is None:
        if employer is None:
            return render(request, "jobs/not_employer.html", status=403)
        posting = Posting(employer=employer)
    else:
        # Someone else's posting is a 404: the answer must not confirm that it exists.
        posting = get_object_or_404(_managed(user).select_related("employer", "role"), pk=pk)
    if request.method == "POST" and "check_pay" in request.POST:
        return _pay_check_page(request, posting)
    form = PostingForm(request.POST or None, initial=PostingForm.initial_for(posting) if pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            posting = posting_upsert(
                organisation=posting.employer,
                fields=form.fields_written(),
                acting_user=user,
                posting_id=posting.pk,
                publish="publish" in request.POST,
            )
        except PostingInvalid as invalid:
            form.add_posting_errors(invalid)
        else:
            if posting.status == Posting.Status.PUBLISHED:
                messages.success(request, f"“{posting.title}” is published until {posting.expires_at:%B %-d, %Y}.")
            else:
                messages.success(request, f"“{posting.title}” is saved as a {posting.get_status_display().lower()}.")
            return redirect("jobs:manage")
    context = {"form": form, "posting": posting, "lifetime_days": settings.POSTING_LIFETIME_DAYS}
    return render(request, "jobs/posting_form.html", context, status=400 if form.errors else 200)


def _pay_check_page(request: HttpRequest, posting: Posting) -> HttpResponse:
    """The form again, as typed and not saved, with the pay preview (the "Check pay" button, without JavaScript)."""
    answer, status = pay_check_answer(request.POST)
    form = PostingForm(initial=request.POST.dict())  # unbound: shows what was typed without judging the rest
    context = {
        "form": form,
        "posting": posting,
        "lifetime_days": settings.POSTING_LIFETIME_DAYS,
        "pay_check": answer,
    }
    return render(request, "jobs/posting_form.html", context, status=status)


def _pay_fields(data: QueryDict) -> PostingFields:
    """The pay check's parameters (the form's names, or the short ones: place, min, max, unit) as a posting's fields."""

    def value(*names: str) -> str | None:
        given = (str(data.get(name, "")).strip() for name in names)
        return next((text for text in given if text), None)

    return PostingFields.model_validate(
        {
            "title": (value("title") or " ")[:300],
            "role": value("role"),
            "location": value("location", "place"),
            "arrangement": value("arrangement") or Posting.Arrangement.ONSITE,
            "employment_type": value("employment_type") or Posting.EmploymentType.FULL_TIME,
            "salary_min": value("salary_min", "min"),
            "salary_max": value("salary_max", "max"),
            "salary_period": value("salary_period", "unit") or "",
        }
    )


def _figure(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _preview_json(posting: Posting, comparison: PayComparison | None) -> dict[str, Any]:
    role = posting.role
    answer: dict[str, Any] = {
        "role": {"slug": role.slug, "title": role.title} if role else None,
        "place": posting.location_label or "",
        "unit": posting.salary_period,
    }
    if comparison is None:
        per = "an hour" if posting.salary_period == Posting.Period.HOUR else "a year"
        return answer | {"band": None, "verdict": None, "message": f"BLS publishes no pay band {per} for this role."}
    return answer | {
        "band": {
            "low": _figure(comparison.low),
            "median": _figure(comparison.median),
            "high": _figure(comparison.high),
            "low_text": money(comparison.low, comparison.unit),
            "median_text": money(comparison.median, comparison.unit),
            "high_text": money(comparison.high, comparison.unit),
            "text": comparison.band,
            "area": comparison.area_name,
            "note": comparison.note,
        },
        "verdict": comparison.verdict,
        "sentence": comparison.sentence,
        "release": comparison.release,
        "citation": f"BLS Occupational Employment and Wage Statistics (OEWS), {comparison.release}",
    }


def pay_check_answer(data: QueryDict) -> tuple[dict[str, Any], int]:
    """The pay preview for what `data` says (the JSON endpoint and the form's button): (answer, status). A refusal is
    {"message", "errors"} with 400."""
    try:
        fields = _pay_fields(data)
    except ValidationError as exc:
        errors = {".".join(map(str, e["loc"])): [field_message(e["msg"])] for e in exc.errors()}
    else:
        try:
            posting = posting_for_pay_check(fields=fields)
        except PostingInvalid as invalid:
            errors = invalid.errors
        else:
            return _preview_json(posting, pay_preview(posting)), 200
    first = next(iter(errors.values()))[0]
    return {"message": first, "errors": errors}, 400


@require_GET
def pay_check(request: HttpRequest) -> HttpResponse:
    """GET /jobs/pay-check?role=&place=&min=&max=&unit=: the local OEWS band for the role and place and the verdict
    on the pay, as the posting would get once published. For the posting form's script (same origin, signed in)."""
    if not request.user.is_authenticated:
        return JsonResponse({"message": "Sign in to check pay."}, status=401)
    answer, status = pay_check_answer(request.GET)
    response = JsonResponse(answer, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


ACTIONS = {"publish": posting_publish, "close": posting_close, "renew": posting_renew}


@login_required
@require_POST
def posting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    posting = get_object_or_404(_managed(_user(request)), pk=pk)
    ACTIONS[action](posting=posting)
    done = {"publish": "published", "close": "closed", "renew": "renewed"}[action]
    messages.success(request, f"“{posting.title}” {done}.")
    return redirect("jobs:manage")


@login_required
@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest) -> HttpResponse:
    employer = organisation_of(_user(request))
    if employer is None:
        return render(request, "jobs/not_employer.html", status=403)
    form = EmployerForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        organisation_profile_update(organisation=employer, data=form.cleaned_data)
        messages.success(request, "Organisation profile saved.")
        return redirect("jobs:employer", slug=employer.slug)
    context = {
        "form": form,
        "employer": employer,
        "members": organisation_members(employer),
    }
    return render(request, "jobs/employer_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_profile(request: HttpRequest) -> HttpResponse:
    """A candidate's own profile: only they see it; others see only counts."""
    user = _user(request)
    candidate = Candidate.objects.filter(user=user).first()
    initial = CandidateForm.initial_for(candidate) if candidate else None
    form = CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        candidate = candidate_save(user=user, data=form.cleaned_data)
        messages.success(
            request,
            "Saved: you are counted as open to work."
            if candidate.open_to_work
            else "Saved: you are not counted as open to work.",
        )
        return redirect("candidates:profile")
    roles = list(candidate.desired_roles.all()) if candidate else []
    context = {"form": form, "candidate": candidate, "roles": roles}
    return render(request, "jobs/candidate.html", context, status=400 if form.errors else 200)
