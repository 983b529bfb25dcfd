from django.urls import path

from . import views_excel

app_name = "registry_excel"

urlpatterns = [
    path("import/", views_excel.import_view, name="import"),
    path("import/template.xlsx", views_excel.template_view, name="template"),
    path("export.xlsx", views_excel.export_view, name="export"),
]
