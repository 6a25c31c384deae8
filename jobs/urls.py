from django.urls import path

from jobs import alert_views, views

app_name = "jobs"

urlpatterns = [
    path("", views.listing, name="list"),
    path("save-search/", alert_views.search_save, name="search_save"),
    path("<int:pk>/<slug:slug>/", views.detail, name="detail"),
    path("employers/<slug:slug>/", views.employer_detail, name="employer"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.posting_edit, name="new"),
    path("manage/<int:pk>/edit/", views.posting_edit, name="edit"),
    path("manage/<int:pk>/<slug:action>/", views.posting_action, name="action"),
    path("manage/organisation/", views.employer_edit, name="employer_edit"),
]
