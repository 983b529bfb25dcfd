"""Tracking an accepted work plan: the units report on their tasks for each reporting period, the lead
unit consolidates, every task has a status, and the committee office reminds late units (提示函).

Who answers for a task: the units its TaskUnit rows name (matched to a Unit). A sub-point without
units of its own is not a task of its own: it is reported on under its item, whose report also
carries the sub-point's targets (see INHERIT_SUB_POINTS). A chapter is a heading and is never
reported on.

One report per task, unit and period (the model's unique constraint): resubmitting replaces it, and
the lead unit's consolidated report takes the place of its own. A report is late when it was
submitted on a later (local) day than the period's deadline; the deadline day itself is on time.

Every step is atomic and raises services.PlanError with a Chinese message (and an HTTP-like status)
naming what is wrong; nothing changes then.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import acting_as, actor_function
from anjian.core.uploads import save_images
from anjian.org.models import Unit

from .letters import letter_body, office_users, send_letter, unit_users
from .models import (
    ProgressReport,
    ReminderLetter,
    ReportingPeriod,
    Target,
    TargetProgress,
    Task,
    TaskUnit,
    UnitRole,
    WorkPlan,
)
from .permissions import can_manage_plans, reporting_units
from .rules import (  # noqa: F401  (the statuses are also named as services_tracking.LATE …)
    AT_RISK,
    DONE,
    LATE,
    NOT_STARTED,
    ON_TRACK,
    SEVERITY,
    STATUSES,
    city_name,
    status_of,
)
from .services import PlanError

REPORT_STATUSES = {s.value for s in ProgressReport.Status}
ROLE_RANK = {UnitRole.LEAD: 0, UnitRole.SHARE: 1, UnitRole.COOPERATE: 2}
MAX_FIGURE = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
# Decided for issue #4: a sub-point without units of its own is NOT a separate task to report on. It
# is reported on under its item (the item's report covers it and carries its targets, see
# report_targets); services.import_plan stores no copies of the item's units on it, and overview.py
# counts only tasks with units of their own. True would make such sub-points tasks of the item's units.
INHERIT_SUB_POINTS = False


# --- who answers for what -------------------------------------------------------------------------


def plan_roles(plan):
    """{task id: {unit id: role}} for every task of `plan` that is reported on (own units, or the
    item's for a sub-point without units); a unit named twice keeps its strongest role. Two queries."""
    tasks = list(Task.objects.filter(plan=plan).values_list("pk", "parent_id", "level"))
    own, named = defaultdict(dict), set()
    for task_id, unit_id, role in TaskUnit.objects.filter(task__plan=plan).values_list(
        "task_id", "unit_id", "role"
    ):
        named.add(task_id)
        have = own[task_id].get(unit_id)
        if unit_id is not None and (have is None or ROLE_RANK[role] < ROLE_RANK[have]):
            own[task_id][unit_id] = role
    roles = {}
    for task_id, parent_id, level in tasks:
        if level == Task.Level.CHAPTER:
            continue
        if task_id in named:
            if own[task_id]:
                roles[task_id] = dict(own[task_id])
        elif INHERIT_SUB_POINTS and level == Task.Level.POINT and own.get(parent_id):
            roles[task_id] = dict(own[parent_id])
    return roles


def task_roles(task):
    """{unit id: role} of the units answering for one task (see plan_roles)."""
    if task.level == Task.Level.CHAPTER:
        return {}
    rows = list(TaskUnit.objects.filter(task=task).values_list("unit_id", "role"))
    if INHERIT_SUB_POINTS and not rows and task.level == Task.Level.POINT and task.parent_id:
        rows = list(TaskUnit.objects.filter(task_id=task.parent_id).values_list("unit_id", "role"))
    roles = {}
    for unit_id, role in rows:
        if unit_id is not None and (unit_id not in roles or ROLE_RANK[role] < ROLE_RANK[roles[unit_id]]):
            roles[unit_id] = role
    return roles


def report_targets(task):
    """The targets a report on `task` gives figures for: its own, then those of its sub-points without
    units of their own, which are reported on under the item (INHERIT_SUB_POINTS off)."""
    mine = Q(task=task)
    if not INHERIT_SUB_POINTS and task.level == Task.Level.ITEM:
        mine |= Q(task__parent=task, task__level=Task.Level.POINT, task__units__isnull=True)
    return list(Target.objects.filter(mine).select_related("task").order_by("task__order", "order", "id"))


@dataclass
class Responsibility:
    task: Task
    role: str
    inherited: bool  # the unit is named on the item, not on this sub-point

    @property
    def role_label(self):
        return UnitRole(self.role).label


def responsible_tasks(unit, plan):
    """The tasks `unit` answers for in `plan`, in plan order, each with its role."""
    roles = plan_roles(plan)
    own_ids = set(TaskUnit.objects.filter(task__plan=plan).values_list("task_id", flat=True))
    wanted = [task_id for task_id, units in roles.items() if unit.pk in units]
    tasks = Task.objects.filter(pk__in=wanted).order_by("order", "id")
    return [Responsibility(t, roles[t.pk][unit.pk], t.pk not in own_ids) for t in tasks]


# --- reporting ------------------------------------------------------------------------------------


def is_late(report, period=None):
    """Submitted on a later local day than the period's deadline (the deadline day is on time)."""
    deadline = (period or report.period).deadline
    return timezone.localdate(report.submitted_at) > deadline


def _check_open(task, period):
    if period.plan_id != task.plan_id:
        raise PlanError(_("报送期“%(period)s”不属于该任务所在的工作要点") % {"period": period.name}, 404)
    status = WorkPlan.objects.filter(pk=task.plan_id).values_list("status", flat=True).first()
    if status != WorkPlan.Status.ACCEPTED:
        raise PlanError(_("该工作要点尚未确认，不能报送进展"), 409)
    if task.level == Task.Level.CHAPTER:
        raise PlanError(_("“%(task)s”是章标题，不需要报送进展") % {"task": task}, 422)


def reporting_unit_for(actor, task, unit=None, roles=None):
    """The unit `actor` reports for on `task`: its reporting units that answer for the task; `unit`
    chooses when there are several."""
    roles = task_roles(task) if roles is None else roles
    mine = {u.pk: u for u in reporting_units(actor)}
    if not mine:
        raise PlanError(_("您的角色不参与年度工作要点的报送"), 403)
    candidates = [mine[pk] for pk in roles if pk in mine]
    if unit is not None:
        unit_id = getattr(unit, "pk", unit)
        chosen = next((u for u in candidates if u.pk == unit_id), None)
        if chosen is None:
            raise PlanError(_("您不能代表该单位报送此任务：该单位不是此任务的责任单位或不是您的单位"), 403)
        return chosen
    if not candidates:
        raise PlanError(_("您所在单位不是任务“%(task)s”的责任单位，不能报送") % {"task": task}, 403)
    if len(candidates) > 1:
        names = "、".join(sorted(u.name for u in candidates))
        raise PlanError(_("您可代表多个责任单位（%(names)s），请选择报送单位") % {"names": names}, 422)
    return candidates[0]


def _clean_status(status):
    if status not in REPORT_STATUSES:
        raise PlanError(_("进展只能是：按计划推进、存在风险、已完成"))
    return status


def _clean_text(text):
    text = (text or "").strip()
    if not text:
        raise PlanError(_("请填写完成情况"))
    return text


def _clean_figures(task, figures):
    """{Target: Decimal} from {target or target id: value}: the targets reported on with the task
    (report_targets), numbers ≥ 0. A blank value (a form field left empty) is no figure."""
    targets = {t.pk: t for t in report_targets(task)}
    clean = {}
    for key, raw in (figures or {}).items():
        target_id = getattr(key, "pk", key)
        try:
            target = targets[int(target_id)]
        except (KeyError, TypeError, ValueError):
            raise PlanError(_("指标（编号 %(id)s）不是该任务的量化指标") % {"id": target_id}) from None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        clean[target] = _number(target, raw)
    return clean


def _number(target, raw):
    label = f"{target.what}"
    if isinstance(raw, bool):
        raise PlanError(_("“%(what)s”的完成数必须是数字") % {"what": label})
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise PlanError(
            _("“%(what)s”的完成数必须是数字，收到“%(raw)s”") % {"what": label, "raw": raw}
        ) from None
    if not value.is_finite():
        raise PlanError(_("“%(what)s”的完成数必须是数字") % {"what": label})
    if value < 0:
        raise PlanError(_("“%(what)s”的完成数不能为负数") % {"what": label})
    value = value.quantize(Decimal("0.01"))
    if value > MAX_FIGURE:
        raise PlanError(_("“%(what)s”的完成数过大") % {"what": label})
    return value


def _save_evidence(evidence, actor):
    try:
        return save_images(list(evidence), actor)
    except ValidationError as exc:
        raise PlanError(" ".join(exc.messages)) from None


def _store(actor, task, unit, period, *, status, text, figures, consolidated, evidence=()):
    """Write (or replace) the unit's report; figures are replaced, evidence is added to what the
    report already has (a correction need not upload the photos again)."""
    report, _created = ProgressReport.objects.update_or_create(
        task=task,
        unit=unit,
        period=period,
        defaults={
            "status": status,
            "text": text,
            "consolidated": consolidated,
            "submitted_by": actor,
            "submitted_at": timezone.now(),
            "is_synthetic": False,
        },
    )
    audit.delete(report.figures.all(), actor=actor)
    audit.bulk_create(
        TargetProgress,
        (TargetProgress(report=report, target=target, value=value) for target, value in figures.items()),
        actor=actor,
    )
    files = _save_evidence(evidence, actor) if evidence else []
    if files:
        report.evidence.add(*files)
    return report


@actor_function
@transaction.atomic
def submit_report(actor, task, period, *, status, text, figures=None, evidence=(), unit=None):
    """The unit's progress on `task` for `period`. Accepted after the deadline too (it is then late,
    see is_late); resubmitting replaces the earlier report."""
    _check_open(task, period)
    unit = reporting_unit_for(actor, task, unit)
    status, text = _clean_status(status), _clean_text(text)
    clean = _clean_figures(task, figures)
    return _store(
        actor,
        task,
        unit,
        period,
        status=status,
        text=text,
        figures=clean,
        consolidated=False,
        evidence=evidence,
    )


def cooperating_reports(task, period, lead):
    """The other responsible units' reports on `task` for `period`, with their figures, for the
    lead unit to consolidate."""
    roles = task_roles(task)
    return list(
        ProgressReport.objects.filter(task=task, period=period, unit_id__in=set(roles) - {lead.pk})
        .select_related("unit", "submitted_by")
        .prefetch_related("figures__target", "evidence")
        .order_by("unit__name")
    )


def summed_figures(task, period, lead):
    """{Target: value}: the other units' figures added up (a percentage: their mean, as rates of
    different units cannot be added)."""
    values = defaultdict(list)
    for tp in TargetProgress.objects.filter(
        report__task=task, report__period=period, report__unit_id__in=set(task_roles(task)) - {lead.pk}
    ).select_related("target"):
        values[tp.target].append(tp.value)
    totals = {}
    for target, numbers in values.items():
        total = sum(numbers, Decimal(0))
        totals[target] = (total / len(numbers)).quantize(Decimal("0.01")) if target.unit == "%" else total
    return totals


@actor_function
@transaction.atomic
def consolidate(actor, task, period, *, status, text, figures=None, unit=None, evidence=()):
    """The lead unit's consolidated report (it replaces the lead's own one). Figures default to the
    cooperating units' reported figures added up."""
    _check_open(task, period)
    roles = task_roles(task)
    leads = {pk for pk, role in roles.items() if role == UnitRole.LEAD}
    if unit is None:
        mine = {u.pk for u in reporting_units(actor)}
        if len(mine & leads) == 1:
            unit = (mine & leads).pop()
    lead = reporting_unit_for(actor, task, unit, roles)
    if lead.pk not in leads:
        raise PlanError(_("只有牵头单位可以汇总报送任务“%(task)s”") % {"task": task}, 403)
    status, text = _clean_status(status), _clean_text(text)
    clean = summed_figures(task, period, lead) if figures is None else _clean_figures(task, figures)
    return _store(
        actor,
        task,
        lead,
        period,
        status=status,
        text=text,
        figures=clean,
        consolidated=True,
        evidence=evidence,
    )


# --- status ---------------------------------------------------------------------------------------


def task_status(task, period, today=None):
    today = today or timezone.localdate()
    reports = list(ProgressReport.objects.filter(task=task, period=period))
    return status_of(task_roles(task), reports, period.deadline, today)


def plan_statuses(plan, period, today=None):
    """{task id: status} for every task reported on (three queries whatever the plan's size)."""
    today = today or timezone.localdate()
    roles = plan_roles(plan)
    reports = defaultdict(list)
    for report in ProgressReport.objects.filter(task__plan=plan, period=period).only(
        "task_id", "unit_id", "status", "consolidated", "submitted_at"
    ):
        reports[report.task_id].append(report)
    return {
        task_id: status_of(units, reports.get(task_id, []), period.deadline, today)
        for task_id, units in roles.items()
    }


def status_counts(plan, period, today=None):
    counts = dict.fromkeys(STATUSES, 0)
    for status in plan_statuses(plan, period, today).values():
        counts[status] += 1
    return counts


# --- reminders ------------------------------------------------------------------------------------


@dataclass
class Reminder:
    unit: Unit
    period: ReportingPeriod
    missing: int  # tasks the unit has not reported on
    days_left: int  # negative: days late

    @property
    def days_late(self):
        return max(0, -self.days_left)

    @property
    def overdue(self):
        return self.days_left < 0


def unreported(plan, period):
    """{unit id: [task id]} — the tasks each responsible unit has not reported on in `period`."""
    reported = set(
        ProgressReport.objects.filter(task__plan=plan, period=period).values_list("task_id", "unit_id")
    )
    missing = defaultdict(list)
    for task_id, units in plan_roles(plan).items():
        for unit_id in units:
            if (task_id, unit_id) not in reported:
                missing[unit_id].append(task_id)
    return missing


def due_reminders(plan, today=None, days=7):
    """For each period due within `days` (or overdue), the units with tasks still unreported: the
    periods in deadline order, the units with the most missing first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    rows = []
    for period in plan.periods.filter(deadline__lte=horizon).order_by("deadline"):
        missing = unreported(plan, period)
        units = Unit.objects.in_bulk(list(missing))
        left = (period.deadline - today).days
        found = [Reminder(units[pk], period, len(ids), left) for pk, ids in missing.items()]
        rows += sorted(found, key=lambda r: (-r.missing, r.unit.name))
    return rows


# --- reminder letters (提示函) -------------------------------------------------------------------

LETTER_NUMBER_RE = re.compile(r"〔(\d{4})〕(\d+)号")


def letter_prefix():
    """温岭市 → 温安委办提: the office's document-number prefix for reminder letters."""
    city = city_name()
    return f"{city[:1]}安委办提"


def next_letter_number(year):
    """The next number of the year, one more than the highest issued (gaps are never refilled)."""
    highest = 0
    for number in ReminderLetter.objects.filter(plan__year=year).values_list("number", flat=True):
        match = LETTER_NUMBER_RE.search(number)
        if match and int(match.group(1)) == year:
            highest = max(highest, int(match.group(2)))
    return f"{letter_prefix()}〔{year}〕{highest + 1}号"


def _lock_year(plan):
    """Lock the year's plans: two letters issued at once must not get the same number."""
    list(WorkPlan.objects.select_for_update().filter(year=plan.year).values_list("pk", flat=True))
    plan.refresh_from_db()


def _draw_up(actor, plan, period, unit, task_ids, today):
    tasks = list(Task.objects.filter(pk__in=task_ids).select_related("parent").order_by("order", "id"))
    return ReminderLetter.objects.create(
        plan=plan,
        period=period,
        unit=unit,
        number=next_letter_number(plan.year),
        body=letter_body(plan, period, unit, tasks, today),
        # A system actor (the late sweep) has no user row: the change log names it instead.
        issued_by=actor if getattr(actor, "pk", None) else None,
        issued_at=timezone.now(),
    )


@actor_function
@transaction.atomic
def issue_letter(actor, plan, period, unit, today=None):
    """A 提示函 from the committee office to `unit` listing its unreported tasks of `period`, sent to
    the unit's users (and, once the period is closed, the office) in the same transaction."""
    if not can_manage_plans(actor):
        raise PlanError(_("只有市安委办可以发提示函"), 403)
    _lock_year(plan)
    if plan.status != WorkPlan.Status.ACCEPTED:
        raise PlanError(_("该工作要点尚未确认，不能发提示函"), 409)
    if period.plan_id != plan.pk:
        raise PlanError(_("报送期“%(period)s”不属于该工作要点") % {"period": period.name}, 404)
    task_ids = unreported(plan, period).get(unit.pk, [])
    if not task_ids:
        raise PlanError(
            _("%(unit)s在“%(period)s”已报送全部任务（或不是责任单位），无需发提示函")
            % {"unit": unit.name, "period": period.name}
        )
    today = today or timezone.localdate()
    letter = _draw_up(actor, plan, period, unit, task_ids, today)
    _send(letter, today)
    return letter


def _send(letter, today):
    late = today > letter.period.deadline
    recipients = unit_users([letter.unit_id]) + (office_users() if late else [])
    send_letter(letter, recipients, late=late)


def late_letter(period, unit):
    """The letter to `unit` for `period` issued after its deadline (local day), if any."""
    return (
        ReminderLetter.objects.filter(period=period, unit=unit, issued_at__date__gt=period.deadline)
        .order_by("issued_at", "pk")
        .first()
    )


def units_with_late_letters(period):
    """Ids of the units sent a letter for `period` after its deadline."""
    return set(
        ReminderLetter.objects.filter(period=period, issued_at__date__gt=period.deadline).values_list(
            "unit_id", flat=True
        )
    )


@transaction.atomic
def send_late_letter(plan, period, unit, today=None, *, actor):
    """The late sweep's 提示函: once `period` has closed with tasks of `unit` unreported, a letter is
    issued as `actor` (the scheduler's system actor) and sent to the unit and the office — unless a
    letter to the unit was already issued after the deadline (by the office or an earlier sweep),
    which was sent when issued. Returns the letter issued now, or None. Safe to run twice at once:
    the check runs under the year's lock."""
    today = today or timezone.localdate()
    with acting_as(actor):
        _lock_year(plan)
        if plan.status != WorkPlan.Status.ACCEPTED or today <= period.deadline:
            return None
        if late_letter(period, unit) is not None:
            return None
        task_ids = unreported(plan, period).get(unit.pk, [])
        if not task_ids:
            return None
        letter = _draw_up(actor, plan, period, unit, task_ids, today)
        _send(letter, today)
        return letter
