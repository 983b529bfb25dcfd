from django.urls import path

from . import views_excel

app_name = "hazards_excel"

urlpatterns = [
    path("export.xlsx", views_excel.export_view, name="export"),
]
