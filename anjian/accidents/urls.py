"""Accident pages. Each views module keeps its own `urlpatterns` list; this joins them."""

from . import views_accidents, views_stats

app_name = "accidents"

urlpatterns = [*views_accidents.urlpatterns, *views_stats.urlpatterns]
