"""Inspection pages. Each views module keeps its own `urlpatterns` list; this joins them."""

from . import views_avoidance, views_conduct, views_plans, views_self

app_name = "inspections"

urlpatterns = [
    *views_plans.urlpatterns,
    *views_conduct.urlpatterns,
    *views_self.urlpatterns,
    *views_avoidance.urlpatterns,
]
