"""Tracking pages: a unit's tasks with their status, the report form (and the lead unit's
consolidation), the office's reminders with the 提示函 it issues, and the letter as Word.

The rules are in services_tracking; these views read the request, call it and render. A refused
step shows the service's message on the same form (status 422/409) or as a message after a redirect.
"""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.core.filtering import int_or_none
from anjian.org.models import Unit

from . import services_tracking as st
from .letters import letter_docx as build_letter_docx
from .letters import letter_title
from .models import ProgressReport, ReminderLetter, ReportingPeriod, Task, UnitRole, WorkPlan
from .overview import STATUS_LABELS, format_number
from .permissions import can_manage_plans, can_view_plans, reporting_units
from .services import PlanError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BADGES = {
    st.LATE: "text-bg-danger",
    st.AT_RISK: "text-bg-warning",
    st.DONE: "text-bg-success",
    st.ON_TRACK: "text-bg-primary",
    st.NOT_STARTED: "text-bg-secondary",
}


def _plan(request, pk):
    if not can_view_plans(request.user):
        raise PermissionDenied(_("您的角色不参与年度工作要点的报送"))
    return get_object_or_404(WorkPlan, pk=pk, status=WorkPlan.Status.ACCEPTED)


def current_period(plan, today=None):
    """The period being reported: the next one due, else the last one."""
    today = today or timezone.localdate()
    periods = list(plan.periods.order_by("deadline"))
    return next((p for p in periods if p.deadline >= today), periods[-1] if periods else None)


def _period(request, plan):
    wanted = request.POST.get("period") or request.GET.get("period")
    if wanted:
        period = ReportingPeriod.objects.filter(plan=plan, pk=int_or_none(wanted)).first()
        if period is None:
            raise Http404(_("该工作要点没有这个报送期"))
        return period
    period = current_period(plan)
    if period is None:
        raise Http404(_("该工作要点尚未设置报送期"))
    return period


def _my_units(request, roles_by_task):
    """The user's reporting units that answer for something in the plan, and the one chosen."""
    named = {unit_id for roles in roles_by_task.values() for unit_id in roles}
    units = [u for u in reporting_units(request.user).order_by("name") if u.pk in named]
    wanted = int_or_none(request.POST.get("unit") or request.GET.get("unit"))
    chosen = next((u for u in units if u.pk == wanted), units[0] if units else None)
    return units, chosen


def _chapter_of(tasks, task):
    node = task
    while node.parent_id and node.level != Task.Level.CHAPTER:
        node = tasks[node.parent_id]
    return node if node.level == Task.Level.CHAPTER else None


@login_required
def my_tasks(request, pk):
    plan = _plan(request, pk)
    period = _period(request, plan)
    roles = st.plan_roles(plan)
    units, unit = _my_units(request, roles)
    groups = OrderedDict()
    if unit is not None:
        tasks = {t.pk: t for t in Task.objects.filter(plan=plan).order_by("order", "id")}
        statuses = st.plan_statuses(plan, period)
        own = {r.task_id: r for r in ProgressReport.objects.filter(task__plan=plan, period=period, unit=unit)}
        for resp in st.responsible_tasks(unit, plan):
            chapter = _chapter_of(tasks, resp.task)
            status = statuses[resp.task.pk]
            report = own.get(resp.task.pk)
            groups.setdefault(chapter, []).append(
                {
                    "resp": resp,
                    "parent": tasks.get(resp.task.parent_id) if resp.task.level == Task.Level.POINT else None,
                    "status": status,
                    "label": STATUS_LABELS[status],
                    "badge": BADGES[status],
                    "report": report,
                    "report_late": report is not None and st.is_late(report, period),
                }
            )
    context = {
        "plan": plan,
        "period": period,
        "periods": plan.periods.order_by("deadline"),
        "units": units,
        "unit": unit,
        "groups": list(groups.items()),
        "can_manage": can_manage_plans(request.user),
        "past_deadline": timezone.localdate() > period.deadline,
        "letters": ReminderLetter.objects.filter(plan=plan, unit=unit).select_related("period")
        if unit
        else [],
    }
    return render(request, "plans/tracking/my_tasks.html", context)


def _report_unit(request, task, roles):
    """The unit the user reports for on this task (403 when none), and the other candidates."""
    mine = [u for u in reporting_units(request.user).order_by("name") if u.pk in roles]
    if not mine:
        raise PermissionDenied(_("您所在单位不是该任务的责任单位，不能报送"))
    wanted = int_or_none(request.POST.get("unit") or request.GET.get("unit"))
    return next((u for u in mine if u.pk == wanted), mine[0]), mine


def _figures_from(request, targets):
    return {t.pk: request.POST.get(f"figure_{t.pk}", "") for t in targets}


def _submit(request, task, period, unit, targets):
    data = {
        "status": request.POST.get("status", ""),
        "text": request.POST.get("text", ""),
        "figures": _figures_from(request, targets),
        "evidence": request.FILES.getlist("evidence"),
        "unit": unit,
    }
    if request.POST.get("action") == "consolidate":
        return st.consolidate(request.user, task, period, **data)
    return st.submit_report(request.user, task, period, **data)


def goal_text(target):
    """ "安全示范渔船 95 艘", "规上企业标准化建设 年底前90%以上": the target as the form shows it."""
    gap = "" if target.unit == "%" else " "
    return f"{target.what} {target.deadline}{format_number(target.quantity)}{gap}{target.unit}{target.comparison}"


def _target_rows(targets, report, defaults, posted):
    values = {tp.target_id: tp.value for tp in report.figures.all()} if report else {}
    rows = []
    for target in targets:
        value = posted.get(target.pk) if posted else values.get(target.pk, defaults.get(target))
        rows.append(
            {
                "target": target,
                "goal": goal_text(target),
                "value": value if isinstance(value, str) else format_number(value),
                "default": format_number(defaults.get(target)),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk, task_pk):
    plan = _plan(request, pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    period = _period(request, plan)
    roles = st.task_roles(task)
    unit, my_units = _report_unit(request, task, roles)
    targets = st.report_targets(task)
    error, status, posted = None, 200, None
    if request.method == "POST":
        try:
            _submit(request, task, period, unit, targets)
        except PlanError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            error, status, posted = exc.message, exc.status, request.POST
        else:
            messages.success(
                request, _("已报送“%(task)s”的%(period)s进展") % {"task": task, "period": period.name}
            )
            url = reverse("plans:my_tasks", args=[plan.pk])
            return redirect(f"{url}?period={period.pk}&unit={unit.pk}")
    own = (
        ProgressReport.objects.filter(task=task, unit=unit, period=period)
        .prefetch_related("evidence")
        .first()
    )
    is_lead = roles.get(unit.pk) == UnitRole.LEAD and len(roles) > 1
    others = st.cooperating_reports(task, period, unit) if is_lead else []
    defaults = st.summed_figures(task, period, unit) if is_lead and not (own and own.consolidated) else {}
    figures = _figures_from(request, targets) if posted else None
    context = {
        "plan": plan,
        "task": task,
        "parent": task.parent if task.level == Task.Level.POINT else None,
        "period": period,
        "periods": plan.periods.order_by("deadline"),
        "unit": unit,
        "my_units": my_units,
        "role": UnitRole(roles[unit.pk]).label,
        "own": own,
        "own_late": own is not None and st.is_late(own, period),
        "is_lead": is_lead,
        "others": others,
        "units_missing": Unit.objects.filter(pk__in=set(roles) - {r.unit_id for r in others} - {unit.pk}),
        "targets": _target_rows(targets, own, defaults, figures),
        "statuses": ProgressReport.Status.choices,
        "form": posted or {},
        "error": error,
        "task_status": STATUS_LABELS[st.task_status(task, period)],
        "past_deadline": timezone.localdate() > period.deadline,
    }
    return render(request, "plans/tracking/report.html", context, status=status)


def _office_plan(request, pk):
    if not can_manage_plans(request.user):
        raise PermissionDenied(_("只有市安委办可以查看催报情况和发提示函"))
    return get_object_or_404(WorkPlan, pk=pk, status=WorkPlan.Status.ACCEPTED)


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request, pk):
    plan = _office_plan(request, pk)
    days = int_or_none(request.GET.get("days"))
    days = 7 if days is None or days < 0 or days > 366 else days
    if request.method == "POST":
        period = _period(request, plan)
        unit = get_object_or_404(Unit, pk=int_or_none(request.POST.get("unit")))
        try:
            letter = st.issue_letter(request.user, plan, period, unit)
        except PlanError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("已向%(unit)s发出提示函 %(number)s") % {"unit": unit.name, "number": letter.number}
            )
        return redirect(f"{reverse('plans:reminders', args=[plan.pk])}?days={days}")
    context = {
        "plan": plan,
        "days": days,
        "rows": st.due_reminders(plan, days=days),
        "letters": plan.letters.select_related("unit", "period", "issued_by"),
    }
    return render(request, "plans/tracking/reminders.html", context)


@login_required
def letter_docx(request, pk):
    """The letter as Word: for the office, and for the unit it is addressed to."""
    letter = get_object_or_404(ReminderLetter.objects.select_related("plan", "period", "unit"), pk=pk)
    addressee = reporting_units(request.user).filter(pk=letter.unit_id).exists()
    if not (can_manage_plans(request.user) or addressee):
        raise PermissionDenied(_("只有市安委办和收函单位可以下载该提示函"))
    response = HttpResponse(build_letter_docx(letter), content_type=DOCX)
    filename = f"{letter.unit.name}-{letter_title(letter.plan, letter.period)}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


urlpatterns = [
    path("<int:pk>/tasks/", my_tasks, name="my_tasks"),
    path("<int:pk>/tasks/<int:task_pk>/report/", report, name="report"),
    path("<int:pk>/reminders/", reminders, name="reminders"),
    path("letters/<int:pk>.docx", letter_docx, name="letter_docx"),
]
