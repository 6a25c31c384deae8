from django.conf import settings
from django.urls import path, re_path
from django.views.generic import TemplateView

from roles import compare_views, views

app_name = "roles"

urlpatterns = [
    path("", views.home, name="home"),
    path("roles/", views.directory, name="directory"),
    path("compare/", compare_views.compare_page, name="compare"),
    path("roles/soc/<str:code>/", views.role_by_soc, name="by-soc"),
    re_path(r"^roles/(?P<code>\d{2}-\d{4}(?:\.\d{2})?)/$", views.role_by_soc, name="by-code"),
    path("roles/<slug:slug>/", views.role_detail, name="detail"),
    re_path(r"^roles/(?P<slug>[-\w]+)/figures\.(?P<fmt>csv|json)$", views.role_export, name="export"),
    path("roles/<slug:slug>/preview.png", views.role_preview, name="preview"),
    path("autocomplete/places", views.place_autocomplete, name="place-autocomplete"),
    path("autocomplete/roles", views.role_autocomplete, name="role-autocomplete"),
    path(
        "methodology/",
        TemplateView.as_view(
            template_name="roles/methodology.html",
            extra_context={"platform_minimum": settings.PLATFORM_MARKET_MINIMUM},
        ),
        name="methodology",
    ),
    path("about/", TemplateView.as_view(template_name="roles/about.html"), name="about"),
]
