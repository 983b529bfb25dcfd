from django.contrib import admin
from django.urls import include, path

from anjian.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hazards/", include("anjian.hazards.urls")),
    path("subjects/", include("anjian.registry.urls")),
    path("checklists/", include("anjian.checklists.urls")),
    path("inspections/", include("anjian.inspections.urls")),
    path("public/", include("anjian.inspections.urls_public")),
    path("plans/", include("anjian.plans.urls")),
    path("risks/", include("anjian.risks.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("ranking/", include("anjian.ranking.urls")),
    path("jobs/", include("anjian.jobs.urls")),
    path("notifications/", include("anjian.notifications.urls")),
    path("workdays/", include("anjian.web.urls_workdays")),
    path("", include("anjian.web.urls")),
]
# Uploaded photos are never served as plain files: hazards:photo checks the viewer's scope first.
