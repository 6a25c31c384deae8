from django.contrib import admin
from django.http import HttpRequest

from sources.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "release",
        "file_name",
        "status",
        "rows_read",
        "rows_written",
        "rows_rejected",
        "started_at",
        "finished_at",
    ]
    list_filter = ["source", "status"]
    search_fields = ["file_name", "release", "sha256"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False
