from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jobs.models import Posting
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
