"""An organisation's integrations in the site: feed imports (the queue POST /api/v1/jobs/import uses), the job
boards it reads, and its webhook endpoints with their deliveries. The writes are `jobs.services.feed_imports`,
`jobs.services.boards` and `jobs.services.webhooks`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.permissions import is_organisation_admin, organisation_of
from jobs.forms import (
    FeedUploadForm,
    JobBoardForm,
    WebhookEndpointForm,
)
from jobs.imports import postings as feeds
from jobs.models import FeedImport, JobBoard, Posting, WebhookDelivery, WebhookEndpoint
from jobs.services.boards import board_configure, board_remove
from jobs.services.feed_imports import FeedImportsFull, feed_import_create
from jobs.services.webhooks import (
    EndpointInvalid,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_set_active,
    test_event_send,
)
from jobs.webhooks import SIGNATURE_HEADER
from lib.tasks import task_enqueue


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


# Feed imports, in the site (the same queue as POST /api/v1/jobs/import) ---------------------------------------------


def _employer_or_refusal(request: HttpRequest) -> tuple[Organisation | None, HttpResponse | None]:
    employer = organisation_of(_user(request))
    return employer, (None if employer is not None else render(request, "jobs/not_employer.html", status=403))


def _feed_upload(request: HttpRequest, employer: Organisation, form: FeedUploadForm) -> tuple[FeedImport | None, int]:
    """Queue the uploaded feed, or put what is wrong on the form: (the import, the status to answer)."""
    upload = form.cleaned_data["feed"]
    kind = form.content_type()
    if kind is None:
        form.add_error("feed", "Upload a .json or a .csv file.")
        return None, 400
    if upload.size > feeds.MAX_FEED_BYTES:
        form.add_error("feed", f"Upload at most {feeds.MAX_FEED_BYTES:,} bytes at once; split the feed.")
        return None, 413
    body = upload.read()
    problem = feeds.feed_problem(body, kind)
    if problem is not None:
        form.add_error("feed", problem[1])
        return None, problem[0]
    try:
        return feed_import_create(organisation=employer, sent_by=_user(request), content_type=kind, body=body), 202
    except FeedImportsFull as exc:
        form.add_error("feed", str(exc).replace("(see GET /api/v1/jobs/imports/{import_id})", "(see the list below)"))
        return None, 429


@login_required
@require_http_methods(["GET", "POST"])
def feed_imports(request: HttpRequest) -> HttpResponse:
    """Upload a feed for the worker to import, and the organisation's imports with their status and report."""
    employer, refusal = _employer_or_refusal(request)
    if refusal is not None or employer is None:
        return refusal or HttpResponse(status=403)
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        feed_import = None
        if form.is_valid():
            feed_import, status = _feed_upload(request, employer, form)
        else:
            status = 400
        if feed_import is not None:
            messages.success(request, f"Feed {form.cleaned_data['feed'].name} queued as import {feed_import.pk}.")
            return redirect("jobs:import", pk=feed_import.pk)
    imports = FeedImport.objects.defer("body").filter(organisation=employer)
    page = Paginator(imports, 20).get_page(request.GET.get("page"))
    context = {"employer": employer, "form": form, "page": page}
    return render(request, "jobs/feed_imports.html", context, status=status)


@login_required
@require_GET
def feed_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer, refusal = _employer_or_refusal(request)
    if refusal is not None:
        return refusal
    feed_import = get_object_or_404(FeedImport.objects.defer("body"), pk=pk, organisation=employer)
    response = render(request, "jobs/feed_import.html", {"employer": employer, "feed_import": feed_import})
    response["Cache-Control"] = "private, no-store"  # it changes until it is done
    return response


# Webhooks: an organisation's admins register endpoints and watch deliveries -----------------------------------------


def _webhook_admin(request: HttpRequest) -> tuple[Organisation | None, HttpResponse | None]:
    """The organisation whose webhooks the user manages, or the refusal (403) for anyone not its admin."""
    user = _user(request)
    employer = organisation_of(user)
    if employer is None:
        return None, render(request, "jobs/not_employer.html", status=403)
    if not is_organisation_admin(user, employer):
        return None, render(request, "jobs/webhooks_not_admin.html", {"employer": employer}, status=403)
    return employer, None


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    employer, refusal = _webhook_admin(request)
    if refusal is not None or employer is None:
        return refusal or HttpResponse(status=403)
    form = WebhookEndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = endpoint_create(
                    organisation=employer,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    acting_user=_user(request),
                )
            except EndpointInvalid as exc:
                form.add_error("url", str(exc))
            else:
                messages.success(request, "Endpoint added. Copy its secret to verify the signature of each delivery.")
                return redirect("jobs:webhook", pk=endpoint.pk)
        status = 400
    endpoints = WebhookEndpoint.objects.filter(organisation=employer).annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
        delivered=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DELIVERED)),
    )
    context = {"employer": employer, "form": form, "endpoints": endpoints}
    return render(request, "jobs/webhooks.html", context, status=status)


@login_required
@require_GET
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer, refusal = _webhook_admin(request)
    if refusal is not None:
        return refusal
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, organisation=employer)
    status = request.GET.get("status", "")
    deliveries = endpoint.deliveries.defer("payload")
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    context = {
        "employer": employer,
        "endpoint": endpoint,
        "page": page,
        "status": status,
        "statuses": WebhookDelivery.Status,
        "signature_header": SIGNATURE_HEADER,
    }
    response = render(request, "jobs/webhook.html", context)
    response["Cache-Control"] = "private, no-store"  # it shows the secret
    return response


WEBHOOK_ACTIONS = {
    "test": (lambda endpoint: test_event_send(endpoint=endpoint), "Test event queued: see its delivery below."),
    "pause": (lambda endpoint: endpoint_set_active(endpoint=endpoint, active=False), "Endpoint paused."),
    "resume": (lambda endpoint: endpoint_set_active(endpoint=endpoint, active=True), "Endpoint resumed."),
    "rotate": (lambda endpoint: endpoint_rotate_secret(endpoint=endpoint), "New secret: deliveries now use it."),
}


@login_required
@require_POST
def webhook_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    employer, refusal = _webhook_admin(request)
    if refusal is not None:
        return refusal
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, organisation=employer)
    if action == "delete":
        endpoint_delete(endpoint=endpoint)
        messages.success(request, f"Endpoint {endpoint.url} removed.")
        return redirect("jobs:webhooks")
    if action not in WEBHOOK_ACTIONS:
        raise Http404("No such action.")
    run, done = WEBHOOK_ACTIONS[action]
    run(endpoint)
    messages.success(request, done)
    return redirect("jobs:webhook", pk=endpoint.pk)


# Job boards, in the site: add one (read now and on the scheduler), read it now, remove it ---------------------------


@login_required
@require_http_methods(["GET", "POST"])
def job_boards(request: HttpRequest) -> HttpResponse:
    employer, refusal = _employer_or_refusal(request)
    if refusal is not None or employer is None:
        return refusal or HttpResponse(status=403)
    form = JobBoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        board = board_configure(organisation=employer, kind=form.cleaned_data["kind"], token=form.cleaned_data["token"])
        task_enqueue("jobs.tasks.board_refresh_run", board.pk)
        messages.success(request, f"{board.get_kind_display()} board “{board.token}” added: it is being read now.")
        return redirect("jobs:boards")
    boards = JobBoard.objects.filter(organisation=employer).annotate(
        live=Count("postings", filter=Q(postings__status=Posting.Status.PUBLISHED))
    )
    context = {"employer": employer, "form": form, "boards": boards.order_by("created_at", "pk")}
    return render(request, "jobs/boards.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def job_board_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    employer, refusal = _employer_or_refusal(request)
    if refusal is not None:
        return refusal
    board = get_object_or_404(JobBoard, pk=pk, organisation=employer)
    if action == "refresh":
        task_enqueue("jobs.tasks.board_refresh_run", board.pk)
        messages.success(request, f"“{board.token or board.url}” is being read now: reload this page in a moment.")
    elif action == "remove":
        closed = board_remove(board=board)
        messages.success(request, f"“{board.token or board.url}” removed; {closed} of its postings closed.")
    else:
        raise Http404("No such action.")
    return redirect("jobs:boards")
