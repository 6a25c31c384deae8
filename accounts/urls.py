from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("join/<str:token>/", views.join_organisation, name="join"),
    path("organisation/", views.organisation_people, name="organisation"),
    path("organisation/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="withdraw"),
    path("organisation/members/<int:user_id>/remove/", views.member_remove_view, name="remove-member"),
    path("signup/", views.sign_up, name="signup"),
    path("signup/sent/", views.sign_up_sent, name="signup_sent"),
    path("confirm/<uidb64>/<token>/", views.sign_up_confirm, name="confirm"),
    path("login/", views.SignInView.as_view(), name="login"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
            template_name="accounts/password_reset_confirm.html",
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("keys/", views.api_keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.api_key_revoke_view, name="revoke"),
]
