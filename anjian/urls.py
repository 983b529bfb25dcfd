from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from anjian.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hazards/", include("anjian.hazards.urls")),
    path("subjects/", include("anjian.registry.urls")),
    path("", include("anjian.web.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # The demo serves uploads itself; production puts them behind the web server (docs/deployment.md).
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
