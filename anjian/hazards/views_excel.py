"""Excel export of the hazard list; the same query parameters as the list page."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import listing
from anjian.jobs import exports
from anjian.registry.excel import XLSX_TYPE, ExportTooLarge

from .excel import export_hazards
from .filters import filter_hazards
from .models import Hazard


@login_required
def export_view(request):
    filename = f"隐患_{timezone.localdate():%Y%m%d}.xlsx"
    queryset = Hazard.objects.visible_to(request.user)
    # A long list is built by a background job (anjian/hazards/tasks.py) with a progress page.
    started = exports.as_job_if_large(
        request,
        queryset,
        filter_hazards,
        kind="hazards.export",
        title=_("导出隐患清单（Excel）"),
        func_path="anjian.hazards.tasks.export_hazards",
        back=reverse("hazards:list"),
    )
    if started:
        return started
    return listing.export(
        request, queryset, filter_hazards, export_hazards, filename, XLSX_TYPE, (ExportTooLarge,)
    )
