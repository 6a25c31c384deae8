"""Saved searches: "Save this search" on /jobs/, the account's list of them, the unsubscribe link of their emails
and their Atom feeds. The writes are `jobs.services.alerts`; the matching, tokens and email `jobs.alerts`."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs import alerts
from jobs.models import Candidate, Posting, SavedSearch
from jobs.pay import pay_comparisons
from jobs.search import search_pages
from jobs.services.alerts import (
    SavedSearchRefused,
    alerts_unsubscribe,
    saved_search_delete,
    saved_search_save,
    saved_search_update,
)
from lib.site import absolute_url

FEED_ITEMS = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
@require_POST
def search_save(request: HttpRequest) -> HttpResponse:
    """Save the /jobs/ search in the form's `query` (the page's query string) for the signed-in person."""
    query = request.POST.get("query", "")[:2000]
    params = {key: str(value) for key, value in QueryDict(query).items()}
    try:
        saved, created = saved_search_save(owner=_user(request), params=params)
    except SavedSearchRefused as refused:
        context = {"message": str(refused), "back": reverse("jobs:list") + (f"?{query}" if query else "")}
        return render(request, "jobs/saved_search_refused.html", context, status=400)
    if created:
        messages.success(request, f"Saved: {saved.name}. New matches will be emailed to you daily.")
    else:
        messages.info(request, f"You had already saved this search: {saved.name}.")
    return redirect("alerts:list")


@login_required
@require_GET
def saved_searches(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    searches = list(SavedSearch.objects.filter(owner=user))
    context: dict[str, Any] = {
        "searches": [
            {
                "search": saved,
                "feed_url": reverse("alerts:feed", kwargs={"token": alerts.feed_token(saved.pk)}),
            }
            for saved in searches
        ],
        "frequencies": SavedSearch.Frequency.choices,
        "candidate": Candidate.objects.filter(user=user).first(),
        "email": user.email,
    }
    return render(request, "jobs/saved_searches.html", context)


@login_required
@require_POST
def saved_search_change(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's saved search is a 404: the answer must not confirm that it exists.
    saved = get_object_or_404(SavedSearch, pk=pk, owner=_user(request))
    frequency = request.POST.get("frequency", saved.frequency)
    name = request.POST.get("name", "")
    if frequency not in SavedSearch.Frequency.values or not name.strip() or len(name) > 120:
        messages.error(request, "Give the search a name of at most 120 characters and choose how often to email.")
        return redirect("alerts:list")
    saved_search_update(saved_search=saved, name=name, frequency=frequency)
    messages.success(request, f"Saved changes to {saved.name}: {saved.get_frequency_display().lower()}.")
    return redirect("alerts:list")


@login_required
@require_POST
def saved_search_remove(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, owner=_user(request))
    saved_search_delete(saved_search=saved)
    messages.success(request, f"Deleted the saved search {saved.name}.")
    return redirect("alerts:list")


# The email's unsubscribe link: no sign-in (the signed token is the permission), and no CSRF token, because a mail
# client sends RFC 8058's one-click POST (body `List-Unsubscribe=One-Click`) with none. It only ever turns an email
# off, so a forged request can do no more than the link itself.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    target = alerts.unsubscribe_target(token)
    if target is None:
        context = {
            "problem": "This unsubscribe link is damaged or was not made by this site. Open the link from "
            "the email again, or change your emails in your account."
        }
        return render(request, "jobs/unsubscribe.html", context, status=400)
    if request.method == "GET":
        # A GET changes nothing (mail scanners open links): the page asks for the button.
        return render(request, "jobs/unsubscribe.html", {"confirm": True})
    stopped = alerts_unsubscribe(kind=target[0], pk=target[1])
    if stopped is None:
        raise Http404("Nothing to unsubscribe from: the saved search was deleted.")
    return render(request, "jobs/unsubscribe.html", {"stopped": stopped})


class SavedSearchFeed(Feed):
    """The newest open postings a saved search matches, as Atom, at an address made of a signed token."""

    feed_type = Atom1Feed
    request: HttpRequest
    comparisons: dict[int, Any]

    def get_object(self, request: HttpRequest, token: str) -> SavedSearch:
        pk = alerts.feed_target(token)
        saved = SavedSearch.objects.filter(pk=pk).first() if pk is not None else None
        if saved is None:
            raise Http404("No such feed: the link is damaged, or the saved search was deleted.")
        self.request = request
        return saved

    def title(self, obj: SavedSearch) -> str:
        return f"{obj.name} · rolescope jobs"

    def link(self, obj: SavedSearch) -> str:
        return absolute_url(self.request, obj.get_absolute_url())

    def subtitle(self, obj: SavedSearch) -> str:
        return f"The newest open postings matching the saved search “{obj.name}”."

    def items(self, obj: SavedSearch) -> list[Posting]:
        parsed = alerts.parsed_query(obj.query)
        if parsed.matches_nothing:
            return []
        postings = list(search_pages(parsed.search)[0][:FEED_ITEMS])
        self.comparisons = pay_comparisons(postings)
        return postings

    def item_title(self, item: Posting) -> str:
        return f"{item.title} at {item.employer.name}"

    def item_description(self, item: Posting) -> str:
        place = item.location_label or item.location_text or "United States"
        parts = [f"{place} · {item.get_arrangement_display()} · {item.get_employment_type_display()}"]
        comparison = self.comparisons.get(item.pk)
        if comparison is not None:
            parts.append(comparison.sentence)
        return "\n".join(parts)

    def item_link(self, item: Posting) -> str:
        return absolute_url(self.request, item.get_absolute_url())

    def item_pubdate(self, item: Posting) -> Any:
        return alerts.went_live_at(item)

    def item_updateddate(self, item: Posting) -> Any:
        return item.updated_at

    def item_author_name(self, item: Posting) -> str:
        return item.employer.name

    def feed_url(self, obj: SavedSearch) -> str:
        return absolute_url(self.request, reverse("alerts:feed", kwargs={"token": alerts.feed_token(obj.pk)}))


@require_GET
def saved_search_feed(request: HttpRequest, token: str) -> HttpResponse:
    # One Feed a request: it keeps the request and the page's pay comparisons while it writes the feed.
    return SavedSearchFeed()(request, token=token)
