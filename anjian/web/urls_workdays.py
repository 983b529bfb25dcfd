"""The holiday table's pages at /workdays/ (anjian.web.views_workdays)."""

from . import views_workdays

app_name = "workdays"

urlpatterns = views_workdays.urlpatterns
