"""Pages for the subject Excel template, import and export. Thin: the work is in excel.py."""

import io
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from anjian.core import listing
from anjian.jobs import exports
from anjian.jobs.services import job_url, start_job

from . import excel
from .excel.columns import DATA_SHEET
from .filters import filter_subjects
from .models import Subject

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The import page shows this many errors; a file with more has a problem the first ones explain.
MAX_ERRORS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(mb).1f MB），上限为 %(max)d MB。")
                % {"mb": upload.size / 1024 / 1024, "max": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


def _forbidden(request):
    return render(
        request,
        "registry/import.html",
        {"forbidden": _("您的角色不能导入监管对象。导入限市安委办、专委办、行业部门和镇（街道）使用。")},
        status=403,
    )


def _sibling_url(request, name):
    return reverse(f"registry:{name}")


@login_required
def import_view(request):
    if not excel.can_import(request.user):
        return _forbidden(request)
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        started = _import_as_job_if_large(request, form.cleaned_data["file"])
        if started:
            return started
        result = excel.import_subjects(request.user, form.cleaned_data["file"])
    context = {
        "form": form,
        "result": result,
        "errors_shown": result.errors[:MAX_ERRORS_SHOWN] if result else [],
        "errors_hidden": max(0, len(result.errors) - MAX_ERRORS_SHOWN) if result else 0,
        "template_url": _sibling_url(request, "template"),
        "max_rows": excel.MAX_IMPORT_ROWS,
    }
    status = 400 if result is not None and result.errors else 200
    return render(request, "registry/import.html", context, status=status)


def _rows_declared(upload):
    """The data rows the file says it has (its sheet's dimension, cheap to read), or 0 when it does
    not say or cannot be read: such a file is imported inline, which explains what is wrong."""
    try:
        workbook = load_workbook(upload, read_only=True)
        try:
            sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
            return max(0, (sheet.max_row or 0) - 1)
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 (any unreadable upload is the inline import's to explain)
        return 0
    finally:
        upload.seek(0)


def _import_as_job_if_large(request, upload):
    """A file of more rows than a request handles (ANJIAN_EXPORT_INLINE_ROWS, the same limit as
    for exports) is saved and imported by a background job (anjian/registry/tasks.py)."""
    if _rows_declared(upload) <= settings.ANJIAN_EXPORT_INLINE_ROWS:
        return None
    path = default_storage.save(f"jobs/uploads/{uuid.uuid4().hex}.xlsx", upload)
    job = start_job(
        request.user,
        kind="registry.import",
        title=_("导入监管对象：%(name)s") % {"name": upload.name},
        func_path="anjian.registry.tasks.import_subjects",
        params={"path": path, "filename": upload.name},
    )
    return redirect(job_url(job, next=reverse("registry:import")))


@login_required
def template_view(request):
    if not excel.can_import(request.user):
        return _forbidden(request)
    buffer = io.BytesIO()
    excel.build_template(request.user).save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename="监管对象导入模板.xlsx", content_type=excel.XLSX_TYPE
    )


@login_required
def export_view(request):
    filename = f"监管对象_{timezone.localdate():%Y%m%d}.xlsx"
    queryset = Subject.objects.visible_to(request.user)
    # A long list is built by a background job (anjian/registry/tasks.py) with a progress page.
    started = exports.as_job_if_large(
        request,
        queryset,
        filter_subjects,
        kind="registry.export",
        title=_("导出监管对象（Excel）"),
        func_path="anjian.registry.tasks.export_subjects",
        back=reverse("registry:list"),
    )
    if started:
        return started
    return listing.export(
        request,
        queryset,
        filter_subjects,
        excel.export_subjects,
        filename,
        excel.XLSX_TYPE,
        (excel.ExportTooLarge,),
    )
