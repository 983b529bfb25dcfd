"""Downloads of a plan for a period: the completion report (Word; the city's, or one unit's with
`unit=`) and the ledger (Excel). The same readers as the overview may download them: what they
contain is what the overview and its drill-down already show. A plan of more task units than
settings.ANJIAN_DOCUMENT_INLINE_ROWS is written by a background job (tasks.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from anjian.jobs import exports
from anjian.org.models import Unit

from . import documents
from .models import TaskUnit
from .views_overview import plan_and_period

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def _task_units(plan, unit=None):
    """The rows a plan document writes: one per task and responsible unit."""
    units = TaskUnit.objects.filter(task__plan=plan)
    return (units.filter(unit=unit) if unit else units).count()


def _overview(plan, period):
    return f"{reverse('plans:overview', args=[plan.pk])}?period={period.pk}"


def _period_or_404(request, pk):
    plan, period, _periods = plan_and_period(request, pk)
    if period is None:
        raise Http404(_("该工作要点尚未设置报送期"))
    return plan, period


@login_required
def report_docx(request, pk):
    plan, period = _period_or_404(request, pk)
    unit = None
    if request.GET.get("unit"):
        unit = Unit.objects.filter(pk=request.GET["unit"] if request.GET["unit"].isdigit() else None).first()
        if unit is None or not plan.tasks.filter(units__unit=unit).exists():
            raise Http404(_("该单位不是本工作要点的责任单位"))
    started = exports.document_job_if_large(
        request,
        _task_units(plan, unit),
        kind="plans.report",
        title=_("生成：%(title)s") % {"title": documents.report_title(plan, period, unit)},
        func_path="anjian.plans.tasks.completion_report",
        params={"plan_id": plan.pk, "period_id": period.pk, "unit_id": unit.pk if unit else None},
        back=_overview(plan, period),
    )
    if started:
        return started
    data = documents.completion_report_docx(plan, period, unit)
    return _download(data, DOCX, documents.report_title(plan, period, unit) + ".docx")


@login_required
def ledger_xlsx(request, pk):
    plan, period = _period_or_404(request, pk)
    started = exports.document_job_if_large(
        request,
        _task_units(plan),
        kind="plans.ledger",
        title=_("生成：%(title)s%(period)s台账") % {"title": plan.title, "period": period.name},
        func_path="anjian.plans.tasks.ledger",
        params={"plan_id": plan.pk, "period_id": period.pk},
        back=_overview(plan, period),
    )
    if started:
        return started
    data = documents.ledger_xlsx(plan, period)
    return _download(data, XLSX, f"{plan.title}{period.name}台账.xlsx")


urlpatterns = [
    path("<int:pk>/report.docx", report_docx, name="report_docx"),
    path("<int:pk>/ledger.xlsx", ledger_xlsx, name="ledger_xlsx"),
]
