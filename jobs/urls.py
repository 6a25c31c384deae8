from django.urls import path

from jobs import alert_views, integration_views, views

app_name = "jobs"

urlpatterns = [
    path("", views.listing, name="list"),
    path("save-search/", alert_views.search_save, name="search_save"),
    path("<int:pk>/<slug:slug>/", views.detail, name="detail"),
    path("<int:pk>/apply", views.apply, name="apply"),
    path("pay-check", views.pay_check, name="pay-check"),
    path("employers/<slug:slug>/", views.employer_detail, name="employer"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.posting_edit, name="new"),
    path("manage/<int:pk>/edit/", views.posting_edit, name="edit"),
    path("manage/<int:pk>/<slug:action>/", views.posting_action, name="action"),
    path("manage/organisation/", views.employer_edit, name="employer_edit"),
    path("manage/imports/", integration_views.feed_imports, name="imports"),
    path("manage/imports/<int:pk>/", integration_views.feed_import_detail, name="import"),
    path("manage/boards/", integration_views.job_boards, name="boards"),
    path("manage/boards/<int:pk>/<slug:action>/", integration_views.job_board_action, name="board_action"),
    path("manage/webhooks/", integration_views.webhooks, name="webhooks"),
    path("manage/webhooks/<int:pk>/", integration_views.webhook_detail, name="webhook"),
    path("manage/webhooks/<int:pk>/<slug:action>/", integration_views.webhook_action, name="webhook_action"),
]
