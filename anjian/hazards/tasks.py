"""Hazard work that runs as a background job (anjian.jobs.services.start_job)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.errors import ServiceError
from anjian.jobs import exports
from anjian.registry.excel import ExportTooLarge, check_export_size, write_workbook

from .excel import hazard_rows, headers
from .filters import filter_hazards
from .models import Hazard


def export_hazards(job, query):
    """The hazard list's Excel export for a list too long for a request: the owner's scope and the
    list's filters (`query`, saved from the request) are applied here again, as the inline export
    applies them."""
    owner = job.owner
    queryset = exports.filtered(filter_hazards, Hazard.objects.visible_to(owner), query, owner)
    try:
        total = check_export_size(queryset)
    except ExportTooLarge as exc:
        raise ServiceError(str(exc)) from exc
    rows = exports.counting(job, hazard_rows(queryset), total, _("正在导出隐患"))
    output = write_workbook(_("隐患"), headers(), rows)
    filename = f"隐患_{timezone.localdate():%Y%m%d}.xlsx"
    return exports.xlsx_result(filename, output, _("已导出 %(n)d 条隐患。") % {"n": total})
