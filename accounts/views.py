from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ApiKeyForm
from accounts.models import ApiKey
from accounts.services import api_key_create, api_key_revoke

MAX_ACTIVE_KEYS = 10


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """The signed-in person's API keys: create one (shown once) or revoke one."""
    user = request.user
    assert isinstance(user, User)  # login_required
    keys = ApiKey.objects.filter(user=user)
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if keys.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_KEYS:
            form.add_error(None, f"You have {MAX_ACTIVE_KEYS} active keys; revoke one before creating another.")
        else:
            _, new_key = api_key_create(user=user, name=form.cleaned_data["name"])
            form = ApiKeyForm()
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "accounts/keys.html", {"keys": keys, "form": form, "new_key": new_key}, status=status)


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk, user=request.user)  # someone else's key is a 404
    api_key_revoke(key=key)
    messages.success(request, f"Key {key.prefix}… revoked.")
    return redirect("accounts:keys")
