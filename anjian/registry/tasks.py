"""Subject work that runs as a background job (anjian.jobs.services.start_job): exports and
imports too long for a request."""

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.errors import ServiceError
from anjian.jobs import exports

from .excel import ExportTooLarge, check_export_size, write_workbook
from .excel import import_subjects as excel_import
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


# The import page lists this many problems; a failed import job names as many.
MAX_ERRORS_SHOWN = 500


def import_subjects(job, path, filename=""):
    """The subject import of a file too long for a request, saved at `path` in the default storage
    by the import page: all rows or none, as inline. Its problems fail the job, listed one a line."""
    job.progress(0, 1, _("正在读取并校验 %(name)s") % {"name": filename or _("导入文件")})
    try:
        with default_storage.open(path, "rb") as upload:
            result = excel_import(job.owner, upload)
    finally:
        default_storage.delete(path)
    if result.errors:
        shown = result.errors[:MAX_ERRORS_SHOWN]
        hidden = len(result.errors) - len(shown)
        lines = [
            _("发现 %(n)d 处问题，未导入任何记录。请修改后重新上传：") % {"n": len(result.errors)},
            *shown,
        ]
        if hidden:
            lines.append(_("另有 %(n)d 处问题未列出。") % {"n": hidden})
        raise ServiceError("\n".join(lines))
    return _("已导入 %(n)d 个监管对象。") % {"n": result.created}
