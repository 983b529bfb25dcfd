"""Work plan pages. Each views module keeps its own `urlpatterns` list; this joins them."""

from . import views_import, views_output, views_overview, views_tracking

app_name = "plans"

urlpatterns = [
    *views_import.urlpatterns,
    *views_tracking.urlpatterns,
    *views_overview.urlpatterns,
    *views_output.urlpatterns,
]
