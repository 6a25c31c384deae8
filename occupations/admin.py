from django.contrib import admin
from django.http import HttpRequest

from occupations.models import Occupation


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    """Read-only: occupations come from the BLS and O*NET imports."""

    list_display = ["code", "title", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Occupation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Occupation | None = None) -> bool:
        return False
