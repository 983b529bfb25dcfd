"""Subject work that runs as a background job (anjian.jobs.services.start_job)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.errors import ServiceError
from anjian.jobs import exports

from .excel import ExportTooLarge, check_export_size, write_workbook
from .excel.columns import DATA_SHEET, HEADERS
from .excel.exporting import subject_rows
from .filters import filter_subjects
from .models import Subject


def export_subjects(job, query):
    """The subject list's Excel export for a list too long for a request: the owner's scope and the
    list's filters (`query`, saved from the request) are applied here again, as the inline export
    applies them."""
    owner = job.owner
    queryset = exports.filtered(filter_subjects, Subject.objects.visible_to(owner), query, owner)
    try:
        total = check_export_size(queryset)
    except ExportTooLarge as exc:
        raise ServiceError(str(exc)) from exc
    rows = exports.counting(job, subject_rows(queryset.order_by("id")), total, _("正在导出监管对象"))
    output = write_workbook(DATA_SHEET, HEADERS, rows)
    filename = f"监管对象_{timezone.localdate():%Y%m%d}.xlsx"
    return exports.xlsx_result(filename, output, _("已导出 %(n)d 个监管对象。") % {"n": total})
