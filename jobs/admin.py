from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jobs.boards.client import BoardFetchError
from jobs.models import JobBoard, Posting
from jobs.services.boards import board_refresh
from jobs.services.postings import posting_close


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    """Staff's view of every posting. Postings are written only through the site, the API and feeds (one write
    path, `jobs.services.postings.posting_upsert`); here staff can look them up and take them down."""

    list_display = ["title", "employer", "role", "status", "posted_at", "expires_at"]
    list_filter = ["status", "arrangement", "employment_type"]
    search_fields = ["title", "employer__name", "external_id"]
    list_select_related = ["employer", "role"]
    date_hierarchy = "posted_at"
    actions = ["close"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Posting | None = None) -> bool:
        return False

    @admin.action(description="Close the selected postings", permissions=["view"])
    def close(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        for posting in queryset:
            posting_close(posting=posting)
        messages.success(request, f"{queryset.count()} posting(s) closed.")


@admin.register(JobBoard)
class JobBoardAdmin(admin.ModelAdmin):
    """Each organisation's job boards: staff add one (kind, and the board's name or address) and it is read on the
    scheduler every six hours (`jobs.tasks.boards_refresh`), or now with the action."""

    list_display = ["organisation", "kind", "token", "url", "active", "fetched_at", "succeeded", "imported", "closed"]
    list_filter = ["kind", "active", "succeeded"]
    search_fields = ["organisation__name", "token", "url"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["fetched_at", "succeeded", "imported", "closed", "rejected", "error"]
    actions = ["refresh"]

    @admin.action(description="Read the selected boards now")
    def refresh(self, request: HttpRequest, queryset: QuerySet[JobBoard]) -> None:
        for board in queryset.select_related("organisation"):
            try:
                report = board_refresh(board=board)
            except BoardFetchError as exc:
                messages.error(request, str(exc))
                continue
            messages.success(
                request,
                f"{board}: {report.imported:,} live, {report.closed:,} closed, {len(report.rejected):,} rejected.",
            )
