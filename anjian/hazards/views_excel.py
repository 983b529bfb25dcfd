"""Excel export of the hazard list; the same query parameters as the list page."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from anjian.core import listing
from anjian.registry.excel import XLSX_TYPE, ExportTooLarge

from .excel import export_hazards
from .filters import filter_hazards
from .models import Hazard


@login_required
def export_view(request):
    filename = f"隐患_{timezone.localdate():%Y%m%d}.xlsx"
    queryset = Hazard.objects.visible_to(request.user)
    return listing.export(
        request, queryset, filter_hazards, export_hazards, filename, XLSX_TYPE, (ExportTooLarge,)
    )
