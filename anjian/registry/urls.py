from django.urls import path

from . import views, views_excel

app_name = "registry"

urlpatterns = [
    path("", views.subject_list, name="list"),
    path("new/", views.subject_create, name="create"),
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/edit/", views.subject_edit, name="edit"),
    path("import/", views_excel.import_view, name="import"),
    path("import/template.xlsx", views_excel.template_view, name="template"),
    path("export.xlsx", views_excel.export_view, name="export"),
]
