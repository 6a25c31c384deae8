from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ApiKeyForm, SignUpForm
from accounts.models import ApiKey, Profile
from accounts.panels import account_panels
from accounts.permissions import is_editor, organisation_of, profile_of
from accounts.services import (
    InviteError,
    api_key_create,
    api_key_revoke,
    invite_organisation,
    organisation_create,
    organisation_join,
)
from accounts.signin import signin_blocked, signin_failed, signin_succeeded
from lib.http import client_ip

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
            _, new_key = api_key_create(user=user, name=form.cleaned_data["name"], employer=organisation_of(user))
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


class SignInView(auth_views.LoginView):
    """Django's sign-in, refused for a while after too many failures for the username or the address."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        if signin_blocked(username, client_ip(request)):
            form = self.get_form()
            form.add_error(None, "Too many failed sign-ins. Wait 15 minutes, or reset your password.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        signin_failed(self.request.POST.get("username", "")[:150], client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        signin_succeeded(self.request.POST.get("username", "")[:150])
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if form.cleaned_data["kind"] == Profile.Kind.EMPLOYER:
                organisation_create(user=user, name=form.cleaned_data["organisation"])
            else:
                Profile.objects.create(user=user, kind=Profile.Kind.CANDIDATE)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to rolescope: your account is ready.")
        return redirect("accounts:home")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The account's start page: what this kind of user can do here."""
    user = request.user
    assert isinstance(user, User)  # login_required
    context = {
        "profile": profile_of(user),
        "employer": organisation_of(user),
        "editor": is_editor(user),
        "panels": account_panels(user),
    }
    return render(request, "accounts/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def join_organisation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation a member shared: become a member of their organisation."""
    user = request.user
    assert isinstance(user, User)  # login_required
    try:
        organisation = invite_organisation(token)
        if request.method == "POST":
            organisation_join(user=user, organisation=organisation)
            messages.success(request, f"You are now a member of {organisation.name}.")
            return redirect("accounts:home")
    except InviteError as exc:
        return render(request, "accounts/join.html", {"error": str(exc)}, status=400)
    context = {"organisation": organisation, "already": organisation_of(user) == organisation}
    return render(request, "accounts/join.html", context)
