"""Saved searches in the account area, and the links their emails and feeds carry (which need no sign-in)."""

from django.urls import path

from jobs import alert_views

app_name = "alerts"

urlpatterns = [
    path("", alert_views.saved_searches, name="list"),
    path("<int:pk>/", alert_views.saved_search_change, name="change"),
    path("<int:pk>/delete/", alert_views.saved_search_remove, name="delete"),
    path("unsubscribe/<str:token>/", alert_views.unsubscribe, name="unsubscribe"),
    path("feed/<str:token>/", alert_views.saved_search_feed, name="feed"),
]
