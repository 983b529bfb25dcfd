from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/status/", views.status_view, name="status"),
    path("<int:pk>/download/", views.download_view, name="download"),
]
