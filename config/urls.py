from django.contrib import admin
from django.urls import include, path

from config.api import api
from sources.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("jobs.account_urls")),  # the job board's candidate profile, in the account area
    path("accounts/", include("accounts.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("roles.urls")),
]
