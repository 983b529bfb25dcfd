"""Plan documents that run as a background job when the plan is too large to write within a request
(anjian.jobs.exports.document_job_if_large): the completion report and the ledger. The job checks
again what the page checked: the owner may read plans, the plan is accepted, the period is the
plan's and the unit is one of its responsible units."""

from django.utils.translation import gettext as _

from anjian.core.errors import ServiceError
from anjian.jobs.services import JobResult
from anjian.org.models import Unit

from . import documents
from .models import WorkPlan
from .permissions import can_view_plans

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_and_period(owner, plan_id, period_id):
    if not can_view_plans(owner):
        raise ServiceError(_("您的角色不能查看年度工作要点"), 403)
    plan = WorkPlan.objects.filter(pk=plan_id, status=WorkPlan.Status.ACCEPTED).first()
    period = plan.periods.filter(pk=period_id).first() if plan else None
    if period is None:
        raise ServiceError(_("该工作要点或报送期已不存在"), 404)
    return plan, period


def completion_report(job, plan_id, period_id, unit_id=None):
    plan, period = _plan_and_period(job.owner, plan_id, period_id)
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, plan_tasks__task__plan=plan).first()
        if unit is None:
            raise ServiceError(_("该单位不是本工作要点的责任单位"), 404)
    job.progress(0, 1, _("正在生成完成情况报告"))
    data = documents.completion_report_docx(plan, period, unit)
    name = documents.report_title(plan, period, unit) + ".docx"
    return JobResult(name, data, DOCX, _("完成情况报告已生成"))


def ledger(job, plan_id, period_id):
    plan, period = _plan_and_period(job.owner, plan_id, period_id)
    job.progress(0, 1, _("正在生成台账"))
    data = documents.ledger_xlsx(plan, period)
    return JobResult(f"{plan.title}{period.name}台账.xlsx", data, XLSX, _("台账已生成"))
