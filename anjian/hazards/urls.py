from django.urls import path

from . import views, views_excel

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_new, name="new"),
    path("subjects/", views.subject_search, name="subject_search"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/transition/", views.hazard_transition, name="transition"),
    path("export.xlsx", views_excel.export_view, name="export"),
    path("photos/<int:pk>/", views.hazard_photo, name="photo"),
]
