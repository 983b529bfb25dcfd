"""Downloads of a run's bulletin (通报) as Word and PDF. Every government user may read rankings
(`permissions.can_view_ranking`), so every government user may download the bulletin of a published
run; a draft's bulletin (草稿 in its title) is the managing office's alone (`permissions.visible_runs`). A bulletin of more towns than settings.ANJIAN_DOCUMENT_INLINE_ROWS is built by a background job
(tasks.build_bulletin). The patterns are joined into the app's urls through views_interviews."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.jobs import exports

from . import bulletin, bulletin_pdf
from .permissions import can_view_ranking, visible_runs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run(request, pk):
    if not can_view_ranking(request.user):
        raise PermissionDenied(_("您的角色不能查看月晾晒"))
    return get_object_or_404(visible_runs(request.user).select_related("scheme"), pk=pk)


def _download(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def _as_job_if_large(request, run, fmt):
    return exports.document_job_if_large(
        request,
        run.scores.count(),
        kind="ranking.bulletin",
        title=_("生成通报：%(run)s") % {"run": run},
        func_path="anjian.ranking.tasks.build_bulletin",
        params={"run_id": run.pk, "fmt": fmt},
        back=reverse("ranking:run", args=[run.pk]),
    )


@login_required
@require_GET
def bulletin_docx(request, pk):
    run = _run(request, pk)
    started = _as_job_if_large(request, run, "docx")
    return started or _download(bulletin.build_docx(run), DOCX, bulletin.filename(run, "docx"))


@login_required
@require_GET
def bulletin_pdf_view(request, pk):
    run = _run(request, pk)
    started = _as_job_if_large(request, run, "pdf")
    return started or _download(bulletin_pdf.build_pdf(run), "application/pdf", bulletin.filename(run, "pdf"))


urlpatterns = [
    path("runs/<int:pk>/bulletin.docx", bulletin_docx, name="bulletin_docx"),
    path("runs/<int:pk>/bulletin.pdf", bulletin_pdf_view, name="bulletin_pdf"),
]
