from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.models import ApiKey, Organisation, Profile
from accounts.services import api_key_create, api_key_revoke, user_deactivate


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "location", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Organisation, form: ModelForm[Any], change: bool) -> None:
        obj.render_description()
        super().save_model(request, obj, form, change)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Staff create keys here; the key is shown once, in the confirmation message."""

    list_display = ["name", "prefix", "user", "rate_limit_per_minute", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["user", "name", "employer", "rate_limit_per_minute"]
        return [
            "user",
            "name",
            "employer",
            "prefix",
            "rate_limit_per_minute",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return ["user", "employer", "prefix", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm[Any], change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, plain = api_key_create(
            user=obj.user, name=obj.name, rate_limit_per_minute=obj.rate_limit_per_minute, employer=obj.employer
        )
        obj.pk = key.pk
        messages.warning(
            request, f"The new key is {plain} — copy it now: it is not stored and will not be shown again."
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        messages.success(request, f"{queryset.count()} key(s) revoked.")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Staff make someone an editor, or add an employer member to an organisation, here."""

    list_display = ["user", "kind", "employer"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__email", "employer__name"]
    autocomplete_fields = ["user", "employer"]


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Django's user admin; deactivating an account also revokes its API keys, on every server at once."""

    actions = ["deactivate"]

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[Any], change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            user_deactivate(user=obj)

    @admin.action(description="Deactivate the selected accounts (and revoke their keys)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_deactivate(user=user)
        messages.success(request, f"{queryset.count()} account(s) deactivated.")
