from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from roles.models import Category, Role


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
class RoleAdmin(admin.ModelAdmin):
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
