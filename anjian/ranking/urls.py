"""Ranking pages. Each views module keeps its own `urlpatterns` list; this joins them."""

from . import views_explain, views_interviews, views_runs, views_scheme, views_trends

app_name = "ranking"

urlpatterns = [
    *views_runs.urlpatterns,
    *views_explain.urlpatterns,
    *views_trends.urlpatterns,
    *views_scheme.urlpatterns,
    *views_interviews.urlpatterns,
]
