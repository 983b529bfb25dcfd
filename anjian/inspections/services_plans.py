"""Inspection plans, enterprise self-inspections, the head-led monthly check and 举一反三.

Every change here checks the actor's role and scope, runs in one transaction and raises
InspectionError with a Chinese message when it cannot happen (nothing is half-made).
"""

import calendar
import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.core.context import actor_function
from anjian.hazards.models import Hazard
from anjian.org.models import Role, Sector, Territory, Unit
from anjian.org.scope import scope_for
from anjian.registry.models import RiskGrade, Subject

from .bulk import create_planned
from .errors import InspectionError
from .models import Inspection, InspectionPlan, ItemResult, Kind, PlanUnit, TargetMode
from .permissions import INSPECTING_ROLES, can_plan
from .reminders import notify_assigned
from .targets import plan_pool, rule_q

LESSONS_DAYS = 30  # a 举一反三 plan runs for a month from the day it is made


# --- who and where -----------------------------------------------------------------------------


def actor_units(actor):
    """The units the actor may organise a plan for: its own; the city office may pick any."""
    if scope_for(actor).unrestricted:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=scope_for(actor).unit_ids())


def scope_territories(actor):
    """Territory nodes inside the actor's scope (what a plan may target)."""
    return Territory.objects.visible_to(actor)


def city_root():
    return Territory.objects.filter(parent=None).order_by("path").first()


def _plan_territory(organiser):
    """Where a plan sits for scope: the organiser's town, else the city."""
    territory = organiser.territory
    if territory is not None and territory.level == Territory.Level.TOWN:
        return territory
    return city_root()


def _require_planner(actor):
    if not can_plan(actor):
        raise InspectionError(_("您的角色不能制定检查计划"), 403)


def visible_plan(actor, plan_id):
    plan = InspectionPlan.objects.visible_to(actor).filter(pk=plan_id).first()
    if plan is None:
        raise InspectionError(_("检查计划不存在或不在您的管辖范围内"), 404)
    return plan


# --- validation of a plan's fields ---------------------------------------------------------------


def _keys(model, values, label):
    try:
        return list(dict.fromkeys(model._meta.pk.to_python(getattr(v, "pk", v)) for v in values or ()))
    except ValidationError:
        raise InspectionError(_("%(label)s的取值无效") % {"label": label}) from None


def _objects(model, values, label):
    """The rows of `model` named by `values` (objects or keys), in order; an unknown key is an error."""
    keys = _keys(model, values, label)
    found = model.objects.in_bulk(keys)
    missing = [str(k) for k in keys if k not in found]
    if missing:
        raise InspectionError(_("%(label)s“%(v)s”不存在") % {"label": label, "v": "、".join(missing)})
    return [found[k] for k in keys]


def _clean_basics(actor, name, kind, starts_on, ends_on, target_mode):
    name = (name or "").strip()
    if not name:
        raise InspectionError(_("请填写计划名称"))
    if kind not in Kind.values:
        raise InspectionError(_("检查类型“%(v)s”无效") % {"v": kind})
    if target_mode not in TargetMode.values:
        raise InspectionError(_("检查对象的确定方式“%(v)s”无效") % {"v": target_mode})
    if starts_on is None or ends_on is None:
        raise InspectionError(_("请填写计划的开始日期和结束日期"))
    if ends_on < starts_on:
        raise InspectionError(_("结束日期不能早于开始日期"))
    return name[:200]


def _clean_organiser(actor, organiser, units, kind):
    organiser = _objects(Unit, [organiser], _("组织单位"))[0] if organiser else None
    if organiser is None:
        raise InspectionError(_("请选择组织单位"))
    if not actor_units(actor).filter(pk=organiser.pk).exists():
        raise InspectionError(_("组织单位须为您所在的单位：“%(u)s”不是") % {"u": organiser.name}, 403)
    others = [u for u in _objects(Unit, units, _("参加单位")) if u.pk != organiser.pk]
    if kind == Kind.JOINT and not others:
        raise InspectionError(_("联合检查须有组织单位以外至少一个参加单位"))
    return organiser, others


def _clean_version(version):
    version = _objects(ChecklistVersion, [version], _("检查表")) if version else [None]
    version = version[0]
    if version is None:
        raise InspectionError(_("请选择检查表"))
    if not version.is_published:
        raise InspectionError(_("检查表“%(v)s”尚未发布，不能用于检查") % {"v": version})
    return version


def _clean_targets(actor, f):
    territories = _objects(Territory, f["target_territories"], _("辖区"))
    allowed = scope_territories(actor)
    outside = [t.name for t in territories if not allowed.filter(pk=t.pk).exists()]
    if outside:
        raise InspectionError(_("辖区“%(t)s”不在您的管辖范围内") % {"t": "、".join(outside)}, 403)
    grades = list(dict.fromkeys(f["target_risk_grades"] or ()))
    bad = [g for g in grades if g not in RiskGrade.values]
    if bad:
        raise InspectionError(_("风险等级“%(g)s”无效") % {"g": "、".join(map(str, bad))})
    months = f["not_inspected_months"]
    if months is not None and (not isinstance(months, int) or months < 1 or months > 120):
        raise InspectionError(_("“超过N个月未检查”须为1到120之间的整数"))
    subject_ids = _keys(Subject, f["target_subjects"], _("检查对象"))
    subjects = list(Subject.objects.visible_to(actor).filter(pk__in=subject_ids))
    if len(subjects) != len(subject_ids):
        raise InspectionError(_("所选检查对象不存在或不在您的管辖范围内"), 403)
    if f["target_mode"] == TargetMode.HAND and not subjects:
        raise InspectionError(_("逐个指定检查对象时须至少选择一个对象"))
    if f["target_mode"] != TargetMode.HAND and not territories and scope_for(actor).limited_by_territory:
        # Without a territory the rule would reach the whole city, beyond a town's remit.
        raise InspectionError(_("请选择检查的辖区（只能在您的管辖范围内）"))
    return {
        "target_sectors": _objects(Sector, f["target_sectors"], _("行业领域")),
        "target_territories": territories,
        "target_risk_grades": grades,
        "not_inspected_months": months,
        "target_subjects": subjects if f["target_mode"] == TargetMode.HAND else [],
    }


def _clean(actor, f):
    """Checks every field of a plan; returns the cleaned values or raises InspectionError."""
    name = _clean_basics(actor, f["name"], f["kind"], f["starts_on"], f["ends_on"], f["target_mode"])
    organiser, others = _clean_organiser(actor, f["organiser"], f["units"], f["kind"])
    version = _clean_version(f["checklist_version"])
    focus = _objects(ChecklistItem, f["focus_items"], _("重点条目"))
    if any(item.version_id != version.pk for item in focus):
        raise InspectionError(_("重点条目须取自所选检查表"))
    cleaned = _clean_targets(actor, f)
    cleaned.update(
        name=name,
        kind=f["kind"],
        starts_on=f["starts_on"],
        ends_on=f["ends_on"],
        organiser=organiser,
        units=[organiser, *others],
        checklist_version=version,
        target_mode=f["target_mode"],
        focus_items=focus,
        note=(f["note"] or "").strip(),
        source_hazard=f["source_hazard"],
    )
    return cleaned


def _apply(plan, c):
    for name in ("name", "kind", "starts_on", "ends_on", "organiser", "checklist_version", "target_mode"):
        setattr(plan, name, c[name])
    plan.target_risk_grades = c["target_risk_grades"]
    plan.not_inspected_months = c["not_inspected_months"]
    plan.note = c["note"]
    plan.source_hazard = c["source_hazard"]
    plan.territory = _plan_territory(c["organiser"])
    plan.sector = c["target_sectors"][0] if c["target_sectors"] else None
    plan.save()
    PlanUnit.objects.filter(plan=plan).delete()
    PlanUnit.objects.bulk_create([PlanUnit(plan=plan, unit=u) for u in c["units"]])
    plan.target_sectors.set(c["target_sectors"])
    plan.target_territories.set(c["target_territories"])
    plan.target_subjects.set(c["target_subjects"])
    plan.focus_items.set(c["focus_items"])
    return plan


PLAN_DEFAULTS = {
    "units": (),
    "target_sectors": (),
    "target_territories": (),
    "target_risk_grades": (),
    "not_inspected_months": None,
    "target_subjects": (),
    "focus_items": (),
    "note": "",
    "source_hazard": None,
}
PLAN_REQUIRED = ("name", "kind", "starts_on", "ends_on", "organiser", "checklist_version", "target_mode")


@actor_function
@transaction.atomic
def create_plan(actor, **fields) -> InspectionPlan:
    """A draft plan organised by one of the actor's units, targeting subjects in its scope."""
    _require_planner(actor)
    unknown = set(fields) - set(PLAN_DEFAULTS) - set(PLAN_REQUIRED)
    if unknown:
        raise TypeError(f"create_plan: unknown fields {sorted(unknown)}")
    f = {**PLAN_DEFAULTS, **{k: None for k in PLAN_REQUIRED}, **fields}
    cleaned = _clean(actor, f)
    return _apply(InspectionPlan(created_by=actor), cleaned)


def plan_fields(plan):
    """A plan's current fields in create_plan's terms (the start of an update)."""
    return {
        **{name: getattr(plan, name) for name in PLAN_REQUIRED},
        "units": list(plan.units.all()),
        "target_sectors": list(plan.target_sectors.all()),
        "target_territories": list(plan.target_territories.all()),
        "target_risk_grades": list(plan.target_risk_grades),
        "not_inspected_months": plan.not_inspected_months,
        "target_subjects": list(plan.target_subjects.all()),
        "focus_items": list(plan.focus_items.all()),
        "note": plan.note,
        "source_hazard": plan.source_hazard,
    }


@actor_function
@transaction.atomic
def update_plan(actor, plan, **fields) -> InspectionPlan:
    """Changes a draft plan; an issued plan is fixed (its inspections exist)."""
    _require_planner(actor)
    plan = InspectionPlan.objects.select_for_update().get(pk=visible_plan(actor, plan.pk).pk)
    if plan.status != InspectionPlan.Status.DRAFT:
        raise InspectionError(_("计划已下达，不能再修改"), 409)
    f = {**plan_fields(plan), **fields}
    return _apply(plan, _clean(actor, f))


# --- the pool and issuing ----------------------------------------------------------------------


def rule_pool(*, target_sectors=(), target_territories=(), target_risk_grades=(), not_inspected_months=None):
    """The subjects a rule would select, before any plan exists (the form's live pool size). It feeds
    targets.rule_q a stand-in with the attributes it reads, so the rule is written once."""

    def rows(values):
        return SimpleNamespace(all=lambda: list(values))

    stand_in = SimpleNamespace(
        target_sectors=rows(_objects(Sector, target_sectors, _("行业领域"))),
        target_territories=rows(_objects(Territory, target_territories, _("辖区"))),
        target_risk_grades=list(target_risk_grades),
        not_inspected_months=not_inspected_months,
    )
    return Subject.objects.filter(rule_q(stand_in))


def inspectors_for(actor, ids):
    """The users named as inspectors; each must hold an inspecting role."""
    ids = _keys(get_user_model(), ids, _("检查人员"))
    users = list(get_user_model().objects.filter(pk__in=ids, roles__role__in=INSPECTING_ROLES).distinct())
    if len(users) != len(ids):
        raise InspectionError(_("所选检查人员不存在或没有检查人员的角色"))
    return users


def _create_inspections(actor, plan, subjects, inspectors):
    """One planned inspection per subject, in bulk (a town plan may cover thousands); the inspectors
    are told in the same transaction."""
    inspector_ids = [user.pk for user in inspectors]
    targets = [(subject, inspector_ids) for subject in subjects]
    inspections = create_planned(actor, plan, targets, scheduled_for=plan.starts_on)
    notify_assigned(plan, [(inspection, inspector_ids) for inspection in inspections])
    return len(inspections)


@actor_function
@transaction.atomic
def issue_plan(actor, plan, inspectors=()) -> InspectionPlan:
    """Issues a draft plan. Hand and rule plans get one inspection per target now; a draw plan's
    inspections come from its draw."""
    _require_planner(actor)
    plan = InspectionPlan.objects.select_for_update().get(pk=visible_plan(actor, plan.pk).pk)
    if plan.status != InspectionPlan.Status.DRAFT:
        raise InspectionError(_("计划当前状态为“%(s)s”，不能下达") % {"s": plan.get_status_display()}, 409)
    users = inspectors_for(actor, inspectors)
    if plan.target_mode != TargetMode.DRAW:
        subjects = list(plan_pool(plan).only("territory_path", "town_id", "sector_id").order_by("id"))
        if not subjects:
            raise InspectionError(_("按计划的条件没有检查对象，不能下达"))
        _create_inspections(actor, plan, subjects, users)
    elif users:
        raise InspectionError(_("双随机计划的检查人员由抽取产生，下达时不能指定"))
    plan.status = InspectionPlan.Status.ISSUED
    plan.issued_at = timezone.now()
    plan.save(update_fields=["status", "issued_at"])
    return plan


# --- 举一反三 -----------------------------------------------------------------------------------


def hazard_item(hazard):
    """The checklist item a hazard was found on, when it came from an inspection."""
    result = ItemResult.objects.filter(hazard=hazard).select_related("item__version").first()
    return result.item if result else None


def lessons_organiser(actor, territory):
    """The actor's unit that organises a 举一反三 plan: one sitting in the territory, else its first."""
    units = list(Unit.objects.filter(pk__in=scope_for(actor).unit_ids()).order_by("id"))
    for unit in units:
        if unit.territory_id == getattr(territory, "pk", None):
            return unit
    if units:
        return units[0]
    raise InspectionError(_("您的账号未关联单位，不能组织检查"), 403)


def _short(text, limit=20):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"


@actor_function
@transaction.atomic
def propagate_lessons(actor, hazard, territory=None, item=None) -> InspectionPlan:
    """From one hazard, a thematic plan checking the same item at every subject of its sector in
    `territory` (default: the hazard's town), issued at once."""
    _require_planner(actor)
    hazard = Hazard.objects.visible_to(actor).filter(pk=getattr(hazard, "pk", hazard)).first()
    if hazard is None:
        raise InspectionError(_("隐患不存在或不在您的管辖范围内"), 404)
    found_on = hazard_item(hazard)
    item = found_on or (_objects(ChecklistItem, [item], _("检查条目"))[0] if item else None)
    if item is None:
        raise InspectionError(_("该隐患不是在检查中发现的，请选择要举一反三检查的条目"))
    territory = territory or hazard.town or city_root()
    sector = hazard.sector
    today = timezone.localdate()
    plan = create_plan(
        actor,
        name=_("举一反三：%(item)s（%(sector)s）") % {"item": _short(item.text), "sector": sector.name},
        kind=Kind.THEMATIC,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=LESSONS_DAYS),
        organiser=lessons_organiser(actor, territory),
        checklist_version=item.version,
        target_mode=TargetMode.RULE,
        target_sectors=[sector],
        target_territories=[territory],
        focus_items=[item],
        source_hazard=hazard,
        note=_("由隐患 %(code)s 举一反三") % {"code": hazard.code},
    )
    return issue_plan(actor, plan)


# --- self-inspection and the head-led monthly check ----------------------------------------------


@actor_function
@transaction.atomic
def start_self_inspection(actor, subject, version, led_by_head=False, head_name="") -> Inspection:
    """The enterprise checks itself with a checklist; a head-led check names the head."""
    scope = scope_for(actor)
    if Role.ENTERPRISE not in scope.roles:
        raise InspectionError(_("只有企业账号可以开展企业自查"), 403)
    subject_id = getattr(subject, "pk", subject)
    subject = Subject.objects.own_subjects(actor).filter(pk=subject_id).first()
    if subject is None:
        raise InspectionError(_("只能对本企业开展自查"), 404)
    version = _clean_version(version)
    head_name = (head_name or "").strip()
    if led_by_head and not head_name:
        raise InspectionError(_("主要负责人带队检查须填写负责人姓名"))
    return Inspection.objects.create(
        subject=subject,
        kind=Kind.COMPREHENSIVE,
        is_self=True,
        led_by_head=bool(led_by_head),
        head_name=head_name[:50] if led_by_head else "",
        checklist_version=version,
        created_by=actor,
    )


def parse_month(value):
    """'YYYY-MM' (or a date) → the first day of that month; InspectionError when malformed."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    try:
        year, month = (int(part) for part in str(value).split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        raise InspectionError(_("月份“%(v)s”无效，请按“年-月”填写，如 2025-03") % {"v": value}) from None


def month_bounds(first):
    """The month's start and end as aware datetimes in local time."""
    last = calendar.monthrange(first.year, first.month)[1]
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(first.replace(day=last), datetime.time.min))
    return start, end + datetime.timedelta(days=1)


@dataclass
class HeadCheckRow:
    subject_id: int
    name: str
    town: str
    done: bool
    date: datetime.date | None = None
    head_name: str = ""
    checks: int = 0


class HeadChecks(list):
    """The rows of every enterprise in scope, with `.missed` (those without a head-led check)."""

    def __init__(self, rows, month):
        super().__init__(rows)
        self.month = month
        self.missed = [row for row in rows if not row.done]
        self.done_count = len(rows) - len(self.missed)


def head_checks(user, month) -> HeadChecks:
    """主要负责人每月至少带队检查1次: for each enterprise the user can see, its first finished
    head-led self-inspection of `month` (local time). Two queries, whatever the number of enterprises."""
    first = parse_month(month)
    start, end = month_bounds(first)
    subjects = Subject.objects.visible_to(user).filter(kind=Subject.Kind.ENTERPRISE)
    checks = (
        Inspection.objects.visible_to(user)
        .filter(
            is_self=True,
            led_by_head=True,
            status=Inspection.Status.DONE,
            finished_at__gte=start,
            finished_at__lt=end,
            subject__in=subjects.values("pk"),
        )
        .order_by("finished_at")
        .values_list("subject_id", "finished_at", "head_name")
    )
    found = {}
    for subject_id, finished_at, head_name in checks:
        entry = found.setdefault(subject_id, [timezone.localtime(finished_at).date(), head_name, 0])
        entry[2] += 1
    rows = []
    for pk, name, town in subjects.order_by("name", "id").values_list("pk", "name", "town__name"):
        date, head, count = found.get(pk, (None, "", 0))
        rows.append(HeadCheckRow(pk, name, town or _("市本级"), pk in found, date, head, count))
    return HeadChecks(rows, first)
