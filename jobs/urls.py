from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.listing, name="list"),
    path("<int:pk>/<slug:slug>/", views.detail, name="detail"),
]
