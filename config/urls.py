from django.contrib import admin
from django.urls import include, path

from accounts.views import AdminSignInView
from config.api import api

urlpatterns = [
    path("admin/login/", AdminSignInView.as_view(), name="admin-login"),  # the site's sign-in throttle, for staff
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/saved-searches/", include("jobs.alert_urls")),  # the job board's saved searches and alerts
    path("accounts/", include("jobs.account_urls")),  # the job board's candidate profile, in the account area
    path("accounts/", include("accounts.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("roles.urls")),
]

handler500 = "lib.outage.server_error"
