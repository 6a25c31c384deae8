from django.contrib import admin

from ops.models import OperationRecord


@admin.register(OperationRecord)
class OperationRecordAdmin(admin.ModelAdmin):
    """Every backup written and restore made, newest first; read-only (they are a record)."""

    list_display = ("finished_at", "kind", "path", "version")
    list_filter = ("kind",)
    readonly_fields = ("kind", "finished_at", "path", "version", "detail")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
