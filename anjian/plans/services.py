"""Importing a work plan and reviewing it before it is accepted. Every step is atomic: a refused step
raises PlanError with a Chinese message naming what is wrong, and changes nothing.

The parse (anjian.plans.parsing) is pure; this module turns its JSON (docs/plans.md) into rows.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.core.filtering import int_or_none
from anjian.org.models import Unit

from .models import ReportingPeriod, Target, Task, TaskUnit, UnitRole, WorkPlan
from .parsing import parse_plan
from .permissions import can_manage_plans
from .units import UnitMatcher

LEVELS = {choice.value for choice in Task.Level}
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
# Where the office may split a task: after a sentence or clause end (the review offers these).
SENTENCE_END_RE = re.compile(r"[。；;！!？?]")
TARGET_FIELDS = ("quantity", "unit", "what", "comparison", "deadline")


class PlanError(ServiceError):
    """A plan step that cannot happen. `status`: 422 bad input, 409 wrong state, 403 role may not act."""


def _require_manager(actor):
    if not can_manage_plans(actor):
        raise PlanError(_("只有市安委办可以导入和审核工作要点"), 403)


def _require_review(plan):
    # Read (and lock) the stored status: the caller's plan object may be stale, and edits of one plan
    # must not interleave with its acceptance.
    status = WorkPlan.objects.select_for_update().filter(pk=plan.pk).values_list("status", flat=True).first()
    if status != WorkPlan.Status.REVIEW:
        raise PlanError(_("该工作要点已确认，不能再修改任务、责任单位或指标"), 409)


# --- import ---------------------------------------------------------------------------------------


@actor_function
def import_plan(actor, text, *, source_name="", title=None, year=None):
    """Parse `text` and store the plan for review; all or nothing."""
    _require_manager(actor)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PlanError(_("工作要点内容为空：请粘贴全文或上传 .txt / .docx 文件"))

    try:
        parsed = parse_plan(text, matcher=UnitMatcher())
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    return create_plan(actor, text, parsed.to_json(), source_name=source_name, title=title, year=year)


def plan_year(parsed, title=None, year=None):
    """The plan's year: as given, else as parsed, else as written in the title; None if unknown."""
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise PlanError(_("年度应为四位数字，如 2023")) from None
        if not 2000 <= year <= 2100:
            raise PlanError(_("年度 {year} 不在 2000—2100 之间").format(year=year))
        return year
    if parsed.get("year"):
        return int(parsed["year"])
    found = YEAR_RE.search(title or parsed.get("title") or "")
    return int(found.group(1)) if found else None


@actor_function
@transaction.atomic
def create_plan(actor, text, parsed, *, source_name="", title=None, year=None):
    """Store a parse (the JSON of docs/plans.md) of `text` as a plan under review."""
    _require_manager(actor)
    nodes = parsed.get("nodes") or []
    if not any(node.get("level") in ("chapter", "item") for node in _walk(nodes)):
        raise PlanError(_("未识别出任何章节（一、）或条目（1.）：请确认这是一份工作要点全文"))
    title = (title or "").strip() or (parsed.get("title") or "").strip()
    if not title:
        raise PlanError(_("未识别出工作要点的标题，请填写标题"))
    year = plan_year(parsed, title, year)
    if year is None:
        raise PlanError(_("无法从原文或标题识别年度，请填写年度（如 2023）"))
    plan = WorkPlan.objects.create(
        title=title[:200],
        year=year,
        status=WorkPlan.Status.REVIEW,
        source_name=(source_name or "")[:200],
        source_text=text,
        unplaced=list(parsed.get("unplaced") or []),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    known_units = set(Unit.objects.values_list("pk", flat=True))
    counter = iter(range(1, 10**6))
    for node in nodes:
        _create_task(plan, node, None, counter, known_units)
    default_periods(plan)
    return plan


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children") or [])


def _create_task(plan, node, parent, counter, known_units):
    level = node.get("level")
    if level not in LEVELS:
        raise PlanError(_("解析结果中有未知的层级“{level}”").format(level=level))
    task = Task.objects.create(
        plan=plan,
        parent=parent,
        level=level,
        number=str(node.get("number") or "")[:20],
        title=(node.get("title") or "")[:300],
        text=node.get("text") or "",
        order=next(counter),
        source_start=node.get("start"),
        source_end=node.get("end"),
    )
    for unit in node.get("units") or []:
        if unit.get("inherited"):
            # A sub-point without its own clause is reported under its item: storing the item's
            # units on it again would make every unit report the same work twice.
            continue
        unit_id = unit.get("unit_id")
        TaskUnit.objects.create(
            task=task,
            name=(unit.get("name") or "")[:100],
            unit_id=unit_id if unit_id in known_units else None,
            role=unit.get("role") if unit.get("role") in UnitRole.values else UnitRole.SHARE,
        )
    for index, target in enumerate(node.get("targets") or []):
        Target.objects.create(task=task, order=index, **_clean_target(target))
    for child in node.get("children") or []:
        _create_task(plan, child, task, counter, known_units)
    return task


def default_periods(plan):
    """半年度 by 15 June and 全年 by 15 December of the plan's year (the seed's own deadlines)."""
    ReportingPeriod.objects.create(
        plan=plan, kind=ReportingPeriod.Kind.HALF_YEAR, name=_("半年度"), deadline=date(plan.year, 6, 15)
    )
    ReportingPeriod.objects.create(
        plan=plan, kind=ReportingPeriod.Kind.FULL_YEAR, name=_("全年"), deadline=date(plan.year, 12, 15)
    )


# --- targets --------------------------------------------------------------------------------------


def _clean_target(fields, current=None):
    """The target's fields checked and trimmed; `current` supplies the ones not given."""
    merged = {name: getattr(current, name) for name in TARGET_FIELDS} if current else {}
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise PlanError(_("指标没有字段：{names}").format(names="、".join(sorted(unknown))))
    merged.update(fields)
    try:
        quantity = Decimal(str(merged.get("quantity", "")).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise PlanError(_("指标数量“{value}”不是数字").format(value=merged.get("quantity", ""))) from None
    if not quantity.is_finite() or quantity <= 0:
        raise PlanError(_("指标数量应为正数"))
    if quantity >= Decimal(10) ** 12 or quantity != quantity.quantize(Decimal("0.01")):
        raise PlanError(_("指标数量过大或小数超过两位"))
    what = str(merged.get("what") or "").strip()
    if not what:
        raise PlanError(_("请填写指标内容（如“安全示范渔船”）"))
    cleaned = {"quantity": quantity, "what": what}
    limits = {"what": 200, "unit": 20, "comparison": 20, "deadline": 50}
    for name in ("unit", "comparison", "deadline"):
        cleaned[name] = str(merged.get(name) or "").strip()
    for name, limit in limits.items():
        if len(cleaned[name]) > limit:
            label = {
                "what": _("指标内容"),
                "unit": _("计量单位"),
                "comparison": _("比较"),
                "deadline": _("时限"),
            }
            raise PlanError(_("{label}不能超过 {n} 个字").format(label=label[name], n=limit))
    return cleaned


@actor_function
@transaction.atomic
def edit_target(actor, target, **fields):
    _require_manager(actor)
    _require_review(target.task.plan)
    for name, value in _clean_target(fields, current=target).items():
        setattr(target, name, value)
    target.save()
    return target


@actor_function
@transaction.atomic
def add_target(actor, task, **fields):
    _require_manager(actor)
    _require_review(task.plan)
    order = (task.targets.aggregate(m=Max("order"))["m"] or 0) + 1
    return Target.objects.create(task=task, order=order, **_clean_target(fields))


@actor_function
@transaction.atomic
def delete_target(actor, target):
    _require_manager(actor)
    _require_review(target.task.plan)
    target.delete()


# --- units ----------------------------------------------------------------------------------------


def _check_unit(unit):
    if not isinstance(unit, Unit) or not Unit.objects.filter(pk=unit.pk).exists():
        raise PlanError(_("请选择一个组织架构中的单位"))


@actor_function
@transaction.atomic
def set_unit(actor, task_unit, unit):
    """Match a responsible unit as written to a unit of the organisation."""
    _require_manager(actor)
    _require_review(task_unit.task.plan)
    _check_unit(unit)
    if task_unit.task.units.filter(unit=unit).exclude(pk=task_unit.pk).exists():
        raise PlanError(
            _("“{unit}”已是该任务的责任单位；如“{name}”就是它，请删除这一项").format(
                unit=unit.name, name=task_unit.name
            )
        )
    task_unit.unit = unit
    task_unit.save(update_fields=["unit"])
    return task_unit


@actor_function
@transaction.atomic
def add_unit(actor, task, unit, role):
    _require_manager(actor)
    _require_review(task.plan)
    _check_unit(unit)
    if role not in UnitRole.values:
        raise PlanError(_("职责应为牵头、配合或分工负责"))
    if task.units.filter(unit=unit).exists():
        raise PlanError(_("“{unit}”已是该任务的责任单位").format(unit=unit.name))
    return TaskUnit.objects.create(task=task, name=unit.name, unit=unit, role=role)


@actor_function
@transaction.atomic
def remove_unit(actor, task_unit):
    _require_manager(actor)
    _require_review(task_unit.task.plan)
    task_unit.delete()


# --- split and merge ------------------------------------------------------------------------------


def split_points(text):
    """Offsets after each sentence end where a task's text may be split, with the sentence before."""
    points, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        at = match.end()
        if text[at:].strip():
            points.append((at, text[start:at].strip()))
        start = at
    return points


def quantity_text(quantity):
    return format(Decimal(quantity).normalize(), "f")


def _target_in(target, text):
    """How surely `text` holds the target: 2 quantity and what, 1 quantity only, 0 neither."""
    if quantity_text(target.quantity) not in text:
        return 0
    return 2 if target.what and target.what in text else 1


def _renumber(plan):
    """Orders in document order (pre-order over the tree), so the plan lists as it reads."""
    tasks = list(plan.tasks.order_by("order", "id"))
    children = {}
    for task in tasks:
        children.setdefault(task.parent_id, []).append(task)
    ordered = []

    def visit(parent_id):
        for task in children.get(parent_id, []):
            ordered.append(task)
            visit(task.pk)

    visit(None)
    for index, task in enumerate(ordered, start=1):
        task.order = index
    audit.bulk_update(ordered, ["order"])


def _second_number(task):
    taken = set(Task.objects.filter(plan=task.plan, parent=task.parent).values_list("number", flat=True))
    n = 2
    while f"{task.number}-{n}" in taken:
        n += 1
    return f"{task.number}-{n}"[:20]


def _first_sentence(text):
    match = SENTENCE_END_RE.search(text)
    return (text[: match.end()] if match else text).strip()[:300]


@actor_function
@transaction.atomic
def split_task(actor, task, at):
    """Split the task's text at offset `at` into two siblings; the second is numbered "3-2", keeps the
    same units, and takes the targets whose quantity its text holds. Sub-points stay with the first."""
    _require_manager(actor)
    _require_review(task.plan)
    try:
        at = int(at)
    except (TypeError, ValueError):
        raise PlanError(_("请选择拆分位置")) from None
    first, second = task.text[:at], task.text[at:]
    if not 0 < at < len(task.text) or not first.strip() or not second.strip():
        raise PlanError(_("拆分位置应在任务正文中间，两部分都不能为空"))
    base = task.plan.source_text.find(task.text, task.source_start or 0) if task.text else -1
    new = Task.objects.create(
        plan=task.plan,
        parent=task.parent,
        level=task.level,
        number=_second_number(task),
        title=_first_sentence(second),
        text=second.strip(),
        order=task.order,
        source_start=base + at if base >= 0 else None,
        source_end=task.source_end if base >= 0 else None,
    )
    task.text = first.rstrip()
    if base >= 0:
        task.source_end = base + at
    task.save(update_fields=["text", "source_end"])
    for unit in task.units.all():
        TaskUnit.objects.create(task=new, name=unit.name, unit=unit.unit, role=unit.role)
    for target in task.targets.all():
        if _target_in(target, second) > _target_in(target, first):
            target.task = new
            target.save(update_fields=["task"])
    # Same order as the old task and a later id: renumbering places it right after the old one's
    # subtree, among its siblings.
    _renumber(task.plan)
    new.refresh_from_db()
    return new


@actor_function
@transaction.atomic
def merge_tasks(actor, task, other):
    """Two adjacent siblings become one: the earlier keeps its number and takes the later's text,
    units (those it does not already have), targets and sub-points."""
    _require_manager(actor)
    _require_review(task.plan)
    if task.pk == other.pk:
        raise PlanError(_("不能与自身合并"))
    if other.plan_id != task.plan_id or other.parent_id != task.parent_id or other.level != task.level:
        raise PlanError(_("只能合并同一层级、相邻的两项任务"))
    siblings = list(Task.objects.filter(plan=task.plan, parent=task.parent).order_by("order", "id"))
    index = {t.pk: i for i, t in enumerate(siblings)}
    if abs(index[task.pk] - index[other.pk]) != 1:
        raise PlanError(
            _("只能合并相邻的两项任务：“{a}”与“{b}”之间还有其他任务").format(a=task.number, b=other.number)
        )
    first, second = (task, other) if index[task.pk] < index[other.pk] else (other, task)
    first.text = f"{first.text}{second.text}"
    ends = [e for e in (first.source_end, second.source_end) if e is not None]
    first.source_end = max(ends) if ends else None
    first.title = first.title or second.title
    first.save(update_fields=["text", "source_end", "title"])
    have = {(u.unit_id or u.name) for u in first.units.all()}
    for unit in second.units.all():
        key = unit.unit_id or unit.name
        if key not in have:
            have.add(key)
            TaskUnit.objects.create(task=first, name=unit.name, unit=unit.unit, role=unit.role)
    offset = (first.targets.aggregate(m=Max("order"))["m"] or 0) + 1
    for i, target in enumerate(second.targets.all()):
        target.task, target.order = first, offset + i
        target.save(update_fields=["task", "order"])
    audit.update(second.children.all(), parent=first)
    second.delete()
    _renumber(first.plan)
    first.refresh_from_db()
    return first


# --- acceptance and periods -----------------------------------------------------------------------


def unmatched_names(plan):
    names = TaskUnit.objects.filter(task__plan=plan, unit__isnull=True).values_list("name", flat=True)
    return sorted(set(names))


@actor_function
@transaction.atomic
def accept_plan(actor, plan):
    _require_manager(actor)
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    _require_review(plan)
    if not plan.tasks.exists():
        raise PlanError(_("该工作要点没有任何任务，不能确认"))
    names = unmatched_names(plan)
    if names:
        raise PlanError(
            _("还有 {n} 个责任单位未匹配到组织架构中的单位：{names}。请先逐一指定").format(
                n=len(names), names="、".join(names)
            )
        )
    plan.status = WorkPlan.Status.ACCEPTED
    plan.accepted_at = timezone.now()
    plan.save(update_fields=["status", "accepted_at"])
    return plan


def _clean_period(row):
    name = str(row.get("name") or "").strip()
    if not name or len(name) > 50:
        raise PlanError(_("报送期名称不能为空，且不超过 50 个字"))
    if row.get("kind") not in ReportingPeriod.Kind.values:
        raise PlanError(_("报送期“{name}”的类型应为半年度、全年或其他").format(name=name))
    deadline = row.get("deadline")
    if isinstance(deadline, str):
        try:
            deadline = date.fromisoformat(deadline.strip())
        except ValueError:
            deadline = None
    if not isinstance(deadline, date):
        raise PlanError(_("报送期“{name}”的截止日期无效，应如 2023-06-15").format(name=name))
    return {"id": row.get("id"), "name": name, "kind": row["kind"], "deadline": deadline}


@actor_function
@transaction.atomic
def set_periods(actor, plan, periods):
    """Replace the plan's reporting periods with `periods` (dicts of name, kind, deadline and, for an
    existing one, id). A period that already has reports cannot be removed."""
    _require_manager(actor)
    rows = [_clean_period(row) for row in periods]
    if not rows:
        raise PlanError(_("至少需要一个报送期"))
    names = [row["name"] for row in rows]
    if len(set(names)) != len(names):
        raise PlanError(_("报送期名称不能重复"))
    existing = {p.pk: p for p in plan.periods.all()}
    keep = set()
    for row in rows:
        period = existing.get(int_or_none(row["id"])) if row["id"] else None
        if row["id"] and period is None:
            raise PlanError(_("报送期不属于该工作要点"))
        period = period or ReportingPeriod(plan=plan)
        period.name, period.kind, period.deadline = row["name"], row["kind"], row["deadline"]
        period.save()
        keep.add(period.pk)
    for pk, period in existing.items():
        if pk not in keep:
            if period.reports.exists():
                raise PlanError(_("报送期“{name}”已有单位报送，不能删除").format(name=period.name))
            period.delete()
    return list(plan.periods.all())
