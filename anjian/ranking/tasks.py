"""Ranking work that runs as a background job (anjian.jobs.services.start_job): computing a month,
and a bulletin too large to build within a request."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.jobs.services import JobLink, JobResult

from . import bulletin, bulletin_pdf, services
from .permissions import can_view_ranking, visible_runs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLETIN_TYPES = {"docx": DOCX, "pdf": "application/pdf"}


def compute_month(job, month, reason=""):
    """A new draft version of the month (`month`: its first day, ISO), computed as the job's owner;
    the job's page then links to the run."""
    run = services.compute_run(job.owner, datetime.date.fromisoformat(month), reason, progress=job.progress)
    return JobLink(
        reverse("ranking:run", args=[run.pk]),
        _("查看 %(run)s") % {"run": run},
        message=_("已计算 %(run)s，请核对后发布") % {"run": run},
    )


def build_bulletin(job, run_id, fmt):
    """The run's bulletin (通报) as Word or PDF, if the owner may still read the run."""
    if not can_view_ranking(job.owner):
        raise services.RankingError(_("您的角色不能查看月晾晒"), 403)
    run = visible_runs(job.owner).select_related("scheme").filter(pk=run_id).first()
    if run is None or fmt not in BULLETIN_TYPES:
        raise services.RankingError(_("该晾晒结果不存在或已不可查看"), 404)
    job.progress(0, 1, _("正在生成通报"))
    data = bulletin.build_docx(run) if fmt == "docx" else bulletin_pdf.build_pdf(run)
    return JobResult(bulletin.filename(run, fmt), data, BULLETIN_TYPES[fmt], _("通报已生成"))
