"""Pages for the subject Excel template, import and export. Thin: the work is in excel.py."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import listing
from anjian.jobs import exports

from . import excel
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
