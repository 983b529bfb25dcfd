"""Risk pages. Each views module keeps its own `urlpatterns` list; this joins them."""

from . import views_installations, views_manual, views_map, views_policy, views_register

app_name = "risks"

urlpatterns = [
    *views_register.urlpatterns,
    *views_installations.urlpatterns,
    *views_map.urlpatterns,
    *views_manual.urlpatterns,
    *views_policy.urlpatterns,
]
