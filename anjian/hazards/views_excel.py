"""Excel export of the hazard list; the same query parameters as the list page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBadRequest
from django.utils import timezone

from anjian.core.filtering import FilterError
from anjian.registry.excel import XLSX_TYPE, ExportTooLarge

from .excel import export_hazards
from .filters import filter_hazards
from .models import Hazard


@login_required
def export_view(request):
    queryset = Hazard.objects.visible_to(request.user)
    try:
        queryset = filter_hazards(queryset, request.GET, request.user)
        output = export_hazards(queryset)
    except (FilterError, ExportTooLarge) as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    filename = f"隐患_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
