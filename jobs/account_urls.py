"""The job board's pages in the account area: a candidate's private profile."""

from django.urls import path

from jobs import views

app_name = "candidates"

urlpatterns = [
    path("profile/", views.candidate_profile, name="profile"),
]
