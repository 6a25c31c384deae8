from datetime import UTC, datetime, time
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ApiKeyForm, InvitationForm, SignUpForm
from accounts.models import ApiKey, Invitation, Profile
from accounts.panels import account_panels
from accounts.permissions import is_editor, is_organisation_admin, organisation_of, profile_of
from accounts.services import (
    INVITE_DAYS,
    InviteError,
    MembershipError,
    api_key_create,
    api_key_revoke,
    invitation_accept,
    invitation_create,
    invitation_for,
    invitation_revoke,
    member_remove,
    organisation_create,
    organisation_members,
)
from accounts.throttle import (
    reset_allowed,
    signin_blocked,
    signin_failed,
    signin_succeeded,
    signup_blocked,
    signup_email_allowed,
)
from accounts.validators import MAX_PASSWORD_LENGTH
from lib.site import absolute_url, site_origin

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
            organisation = organisation_of(user)
            may_write = organisation is not None or is_editor(user)
            scopes = [ApiKey.Scope.READ]
            if may_write and form.cleaned_data["can_write"]:
                scopes.append(ApiKey.Scope.POSTINGS_WRITE)
            day = form.cleaned_data["expires_on"]
            _, new_key = api_key_create(
                user=user,
                name=form.cleaned_data["name"],
                employer=organisation,
                scopes=tuple(scopes),
                expires_at=datetime.combine(day, time.min, tzinfo=UTC) if day else None,
            )
            form = ApiKeyForm()
    status = 400 if request.method == "POST" and form.errors else 200
    context = {
        "keys": keys.select_related("employer"),
        "form": form,
        "new_key": new_key,
        "may_write": organisation_of(user) is not None or is_editor(user),
    }
    return render(request, "accounts/keys.html", context, status=status)


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk, user=request.user)  # someone else's key is a 404
    api_key_revoke(key=key)
    messages.success(request, f"Key {key.prefix}… revoked.")
    return redirect("accounts:keys")


def _safe_next(request: HttpRequest) -> str:
    """The `next` address sent with the request, if it is one of this site's."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if allowed else ""


def _invitation_in(next_url: str) -> Invitation | None:
    """The pending invitation a `next` address opens (someone sent to sign in on the way to joining), if any."""
    try:
        match = resolve(next_url.split("?")[0])
    except Resolver404:
        return None
    if match.view_name != "accounts:join":
        return None
    try:
        return invitation_for(match.kwargs["token"])
    except InviteError:
        return None


class SignInView(auth_views.LoginView):
    """Django's sign-in, paused for an account (or an address) after too many failures (accounts.throttle). A
    password longer than any we accept is a failure without being hashed. On the way to an invitation, it says so
    (and "Create one" keeps the way there)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitation"] = _invitation_in(context.get("next") or "")
        return context

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        form = self.get_form()
        if signin_blocked(request, username):
            form.add_error(None, "Too many failed sign-ins. Wait 15 minutes, or reset your password.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if len(request.POST.get("password", "")) > MAX_PASSWORD_LENGTH:
            signin_failed(request, username)
            form.add_error(None, f"Passwords have at most {MAX_PASSWORD_LENGTH} characters.")
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        signin_failed(self.request, self.request.POST.get("username", "")[:150])
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        signin_succeeded(self.request.POST.get("username", "")[:150])
        return super().form_valid(form)


class AdminSignInView(SignInView):
    """The admin's sign-in page, with the same throttle as the site's (it had none)."""

    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email, limited per address and per email (accounts.throttle). A refusal looks like a
    success, so the form tells nobody whether an address has an account, and sends nothing."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not reset_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """A new account, confirmed by email. The answer is the same whether or not the address already has an
    account (then the email says so instead), so sign-up tells nobody who has one. Limited per address
    (accounts.throttle)."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    next_url = _safe_next(request)
    context = {"form": form, "next": next_url, "invitation": _invitation_in(next_url)}
    if request.method == "POST" and signup_blocked(request):
        form.is_valid()  # the form keeps what was typed
        form.add_error(None, "Too many sign-ups from this address. Try again in 15 minutes.")
        return render(request, "registration/signup.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Both paths hash the password (Argon2, the slow part) before the address is looked up, so the answer
        # takes as long whether or not the address has an account, and each sends one email.
        user = form.save(commit=False)
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            _sign_up_new(request, form, user, next_url)
        elif signup_email_allowed(email):  # past the limit: answered alike, nothing sent (as a password reset)
            _send(request, "accounts/signup_existing_email.txt", email, {"user": existing})
        return redirect("accounts:signup_sent")
    return render(request, "registration/signup.html", context, status=400 if form.errors else 200)


def _sign_up_new(request: HttpRequest, form: SignUpForm, user: User, next_url: str) -> None:
    """Keep the new (inactive) account and send the link that confirms it (leading on to `next_url`, where an
    invitation may wait)."""
    with transaction.atomic():
        user.is_active = False  # until the address is confirmed
        user.save()
        if form.cleaned_data["kind"] == Profile.Kind.EMPLOYER:
            organisation_create(user=user, name=form.cleaned_data["organisation"])
        else:
            Profile.objects.create(user=user, kind=Profile.Kind.CANDIDATE)
    token = default_token_generator.make_token(user)
    link = reverse("accounts:confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), token])
    link += f"?{urlencode({'next': next_url})}" if next_url else ""  # an invitation waits there
    context = {"user": user, "link": absolute_url(request, link)}
    _send(request, "accounts/signup_confirm.txt", user.email, context)


def _send(request: HttpRequest, template: str, email: str, context: dict[str, Any]) -> None:
    """An email from a template whose first paragraph is the subject."""
    body = render_to_string(template, {**context, "site": site_origin(request).partition("://")[2]})
    subject, _, text = body.strip().partition("\n\n")
    send_mail(subject.strip(), text, None, [email])


@require_GET
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html", {"debug": settings.DEBUG})


@require_GET
def sign_up_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the sign-up email: the account is confirmed and signed in (once; the link then stops working)."""
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64).decode())).first()
    except (ValueError, UnicodeDecodeError):
        user = None
    if user is None or user.is_active or not default_token_generator.check_token(user, token):
        return render(request, "accounts/signup_confirm_failed.html", status=400)
    user.is_active = True
    user.save(update_fields=["is_active"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Welcome to rolescope: your account is ready.")
    return redirect(_safe_next(request) or "accounts:home")


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
    """Accept an invitation: join the organisation, once, with the account of the address it was sent to."""
    user = request.user
    assert isinstance(user, User)  # login_required
    try:
        invitation = invitation_for(token)
        if request.method == "POST":
            organisation = invitation_accept(token=token, user=user)
            messages.success(request, f"You are now a member of {organisation.name}.")
            return redirect("accounts:home")
    except InviteError as exc:
        return render(request, "accounts/join.html", {"error": str(exc)}, status=400)
    context = {"organisation": invitation.organisation, "already": organisation_of(user) == invitation.organisation}
    return render(request, "accounts/join.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_people(request: HttpRequest) -> HttpResponse:
    """The organisation's members and invitations. Its admins invite (by email; the link is shown once and sent),
    withdraw invitations and remove members."""
    user = request.user
    assert isinstance(user, User)  # login_required
    organisation = organisation_of(user)
    if organisation is None:
        return render(request, "accounts/no_organisation.html", status=403)
    admin = is_organisation_admin(user, organisation)
    form = InvitationForm(request.POST or None)
    link = None
    if request.method == "POST":
        if not admin:
            return render(request, "accounts/no_organisation.html", {"not_admin": True}, status=403)
        if form.is_valid():
            try:
                invitation, token = invitation_create(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    invited_by=user,
                    admin=form.cleaned_data["admin"],
                )
            except MembershipError as exc:
                form.add_error("email", str(exc))
            else:
                link = absolute_url(request, reverse("accounts:join", args=[token]))
                send_mail(
                    f"Join {organisation.name} on rolescope",
                    f"{user.username} invites you to post jobs for {organisation.name} on rolescope.\n\n"
                    f"Open this link, signed in with this address, within {INVITE_DAYS} days:\n{link}\n",
                    None,
                    [invitation.email],
                )
                messages.success(request, f"Invitation sent to {invitation.email}.")
                form = InvitationForm()
    members = organisation_members(organisation).select_related("profile")
    context = {
        "organisation": organisation,
        "admin": admin,
        "members": members,
        "invitations": [i for i in organisation.invitations.select_related("invited_by") if i.is_pending],
        "form": form,
        "link": link,
        "invite_days": INVITE_DAYS,
    }
    return render(request, "accounts/organisation.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation_of(user))  # another's: 404
    try:
        invitation_revoke(invitation=invitation, acting_user=user)
    except MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    return redirect("accounts:organisation")


@login_required
@require_POST
def member_remove_view(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    organisation = organisation_of(user)
    member = get_object_or_404(User, pk=user_id, profile__employer=organisation) if organisation else None
    if member is None or organisation is None:
        raise Http404("No such member.")
    try:
        member_remove(organisation=organisation, member=member, acting_user=user)
    except MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:organisation")
    if member == user:
        messages.success(request, f"You have left {organisation.name}.")
        return redirect("accounts:home")
    messages.success(request, f"{member.username} is no longer a member; their keys for {organisation.name} stopped.")
    return redirect("accounts:organisation")
