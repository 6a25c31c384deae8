from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from roles.models import Category, Role
from sources import versions


class EditsChangeTheData(admin.ModelAdmin):
    """Roles and categories are part of what every page shows: an edit bumps the data version, so cached pages,
    the role search and role cards show it at once on every server."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            versions.bump("data")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            versions.bump("data")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[models.Model]) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            versions.bump("data")


@admin.register(Category)
class CategoryAdmin(EditsChangeTheData):
    list_display = ["name", "slug", "position", "soc_major_groups", "role_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(role_count=Count("roles"))

    @admin.display(ordering="role_count", description="roles")
    def role_count(self, category: Category) -> int:
        return category.role_count  # type: ignore[attr-defined]


@admin.register(Role)
class RoleAdmin(EditsChangeTheData):
    list_display = ["title", "category", "occupation", "is_curated", "updated_at"]
    list_filter = ["is_curated", "category"]
    search_fields = ["title", "slug", "occupation__code", "occupation__title"]
    list_select_related = ["category", "occupation"]
    autocomplete_fields = ["occupation"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "occupation", "is_curated"]}),
        ("Curated text (leave empty to show O*NET's)", {"fields": ["short_description", "duties", "skills"]}),
    ]
