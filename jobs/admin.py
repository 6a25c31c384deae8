from django.contrib import admin

from jobs.models import Employer, Posting


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "location", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    """Editors' and staff's view of every posting; saving one keeps its search text current."""

    list_display = ["title", "employer", "role", "status", "posted_at", "expires_at"]
    list_filter = ["status", "arrangement", "employment_type"]
    search_fields = ["title", "employer__name", "external_id"]
    autocomplete_fields = ["employer", "role", "created_by"]
    raw_id_fields = ["area"]
    readonly_fields = ["created_at", "updated_at", "annual_min", "annual_max"]
    date_hierarchy = "posted_at"
