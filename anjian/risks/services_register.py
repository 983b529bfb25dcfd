"""The risk register: units, events, control measures and assessments, and how measures follow the
hazard loop.

Every change takes the acting user first, finds the record through `visible_to` (out of scope: 404),
checks `can_edit_register` (403), validates everything before writing anything, and runs in one
transaction. Whatever can change a subject's grade (an assessment, an event's activity, a deletion)
re-grades the subject (`anjian.registry.grades.regrade`) before returning.

Assessments are a record: an event or unit that has been assessed cannot be deleted (it is taken out
of control instead, 取消在管), so every grade ever given can still be explained.
"""

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.core.filtering import int_or_none
from anjian.hazards.models import OPEN_STATES, Hazard
from anjian.registry import grades
from anjian.registry.models import Subject

from . import grading, methods
from .models import AccidentType, ControlMeasure, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit
from .permissions import can_edit_register

FAILED, EFFECTIVE, UNASSESSED = "failed", "effective", "unassessed"
STATUS_LABELS = {
    EFFECTIVE: gettext_lazy("管控有效"),
    FAILED: gettext_lazy("存在失效措施"),
    UNASSESSED: gettext_lazy("未评价"),
}
MEASURE_LABELS = {EFFECTIVE: gettext_lazy("有效"), FAILED: gettext_lazy("失效")}


class RegisterError(ServiceError):
    """A register change that cannot happen, with a message for the user; `status` is the HTTP
    answer (422 bad input, 403 role may not edit)."""


# ---------------------------------------------------------------------------------------------
# Finding records and checking input


def _find(model, actor, record, message, lock=True):
    """The record (or pk) if the actor can see it, locked for the transaction; else 404."""
    pk = int_or_none(getattr(record, "pk", record))
    queryset = model.objects.visible_to(actor)
    if lock:
        queryset = queryset.select_for_update()
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(message)
    return found


def _editable(model, actor, record, message):
    found = _find(model, actor, record, message)
    if not can_edit_register(actor):
        raise RegisterError(_("您的角色不能修改风险分级管控清单"), 403)
    return found


def _subject(actor, subject):
    return _editable(Subject, actor, subject, _("监管对象不存在或不在您的管辖范围内"))


def _unit(actor, unit):
    return _editable(RiskUnit, actor, unit, _("风险分析单元不存在或不在您的管辖范围内"))


def _event(actor, event):
    return _editable(RiskEvent, actor, event, _("风险事件不存在或不在您的管辖范围内"))


def _measure(actor, measure):
    return _editable(ControlMeasure, actor, measure, _("管控措施不存在或不在您的管辖范围内"))


def _text(value, label, max_length, required=False):
    text = ("" if value is None else str(value)).strip()
    if required and not text:
        raise RegisterError(_("请填写%(f)s") % {"f": label})
    if max_length and len(text) > max_length:
        raise RegisterError(_("%(f)s不能超过 %(n)d 个字") % {"f": label, "n": max_length})
    return text


def _choice(value, choices, label):
    value = (value or "").strip() if isinstance(value, str) else value
    allowed = dict(choices)
    if value not in allowed:
        raise RegisterError(
            _("%(f)s“%(v)s”无效，可选：%(c)s")
            % {"f": label, "v": value or "", "c": "、".join(str(v) for v in allowed.values())}
        )
    return value


def _flag(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _fields(model, data, current=None):
    """Merge `data` over the record's current values (an update names only what changes)."""
    unknown = set(data) - _FIELDS[model]
    if unknown:
        raise RegisterError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    merged = {name: getattr(current, name) for name in _FIELDS[model]} if current else {}
    merged.update(data)
    return merged


_FIELDS = {
    RiskUnit: {"name", "kind", "location", "department", "person_in_charge", "phone"},
    RiskEvent: {"name", "accident_type", "consequence", "is_active"},
    ControlMeasure: {"kind", "text", "level", "responsible_person", "checklist_item"},
}


def _clean_unit(data):
    return {
        "name": _text(data.get("name"), _("单元名称"), 100, required=True),
        "kind": _choice(data.get("kind") or RiskUnit.Kind.INSTALLATION, RiskUnit.Kind.choices, _("单元类型")),
        "location": _text(data.get("location"), _("位置"), 200),
        "department": _text(data.get("department"), _("责任部门"), 100),
        "person_in_charge": _text(data.get("person_in_charge"), _("责任人"), 50),
        "phone": _text(data.get("phone"), _("联系电话"), 20),
    }


def _clean_event(data):
    return {
        "name": _text(data.get("name"), _("风险事件"), 200, required=True),
        "accident_type": _choice(data.get("accident_type"), AccidentType.choices, _("事故类型")),
        "consequence": _text(data.get("consequence"), _("可能后果"), None),
        "is_active": _flag(data.get("is_active", True)),
    }


def published_item(value):
    """The checklist item a measure names: any item of a published version, or None for none."""
    if value in (None, ""):
        return None
    pk = int_or_none(getattr(value, "pk", value))
    item = ChecklistItem.objects.filter(pk=pk, version__status=ChecklistVersion.Status.PUBLISHED).first()
    if pk is None or item is None:
        raise RegisterError(_("对应检查条目不存在或所在检查表版本未发布"))
    return item


def _clean_measure(data):
    return {
        "kind": _choice(data.get("kind"), ControlMeasure.Kind.choices, _("措施类别")),
        "text": _text(data.get("text"), _("管控措施"), None, required=True),
        "level": _choice(
            data.get("level") or ControlMeasure.Level.WORKSHOP, ControlMeasure.Level.choices, _("管控层级")
        ),
        "responsible_person": _text(data.get("responsible_person"), _("责任人"), 50),
        "checklist_item": published_item(data.get("checklist_item")),
    }


def _assign(record, cleaned):
    for name, value in cleaned.items():
        setattr(record, name, value)
    record.save()
    return record


# ---------------------------------------------------------------------------------------------
# Units, events and measures


@actor_function
@transaction.atomic
def create_unit(actor, subject, **data):
    subject = _subject(actor, subject)
    cleaned = _clean_unit(_fields(RiskUnit, data))
    return RiskUnit.objects.create(subject=subject, **cleaned)


@actor_function
@transaction.atomic
def update_unit(actor, unit, **data):
    unit = _unit(actor, unit)
    return _assign(unit, _clean_unit(_fields(RiskUnit, data, unit)))


@actor_function
@transaction.atomic
def delete_unit(actor, unit):
    unit = _unit(actor, unit)
    if RiskAssessment.objects.filter(event__unit=unit).exists():
        raise RegisterError(_("该单元的风险事件已有风险评价记录，不能删除；请将风险事件改为不在管"), 409)
    # Only never-assessed (ungraded) events go with it, so the subject's grade cannot move.
    unit.delete()


@actor_function
@transaction.atomic
def create_event(actor, unit, **data):
    unit = _unit(actor, unit)
    cleaned = _clean_event(_fields(RiskEvent, data))
    # Ungraded until assessed, so the subject's grade does not move yet.
    return RiskEvent.objects.create(unit=unit, **cleaned)


@actor_function
@transaction.atomic
def update_event(actor, event, **data):
    event = _event(actor, event)
    was_active = event.is_active
    _assign(event, _clean_event(_fields(RiskEvent, data, event)))
    if event.is_active != was_active:
        grades.regrade([event.subject_id], actor=actor)
    return event


@actor_function
@transaction.atomic
def set_event_active(actor, event, is_active):
    """Take an event into control or out of it (risk removed, e.g. the installation dismantled)."""
    return update_event(actor, event, is_active=is_active)


@actor_function
@transaction.atomic
def delete_event(actor, event):
    event = _event(actor, event)
    if event.assessments.exists():
        raise RegisterError(_("该风险事件已有风险评价记录，不能删除；如风险已消除，请改为不在管"), 409)
    event.delete()  # never assessed, so ungraded: the subject's grade cannot move


@actor_function
@transaction.atomic
def create_measure(actor, event, **data):
    event = _event(actor, event)
    cleaned = _clean_measure(_fields(ControlMeasure, data))
    return ControlMeasure.objects.create(event=event, **cleaned)


@actor_function
@transaction.atomic
def update_measure(actor, measure, **data):
    measure = _measure(actor, measure)
    return _assign(measure, _clean_measure(_fields(ControlMeasure, data, measure)))


@actor_function
@transaction.atomic
def delete_measure(actor, measure):
    _measure(actor, measure).delete()


# ---------------------------------------------------------------------------------------------
# Assessment


@actor_function
@transaction.atomic
def assess(actor, event, method, l_value, c_value, e_value=None, note=""):
    """Assess an event by LEC (L, E, C) or LS (L, S in c_value) under the bands in force; the
    assessment keeps its inputs, the bands and the explanation, and the event and its subject are
    graded from it."""
    event = _event(actor, event)
    policy = RiskPolicy.current()
    method = (method or "").strip().lower() if isinstance(method, str) else method
    try:
        result = methods.assess(method, policy.bands, l_value, c_value, e_value if method == "lec" else None)
    except methods.AssessmentError as error:
        raise RegisterError(str(error)) from None
    values = _method_inputs(method, l_value, c_value, e_value)
    assessment = RiskAssessment.objects.create(
        event=event,
        method=method,
        score=result.score,
        grade=result.grade,
        bands=copy.deepcopy(policy.bands),
        explanation=result.explanation,
        assessed_by=actor,
        note=_text(note, _("说明"), None),
        **values,
    )
    event.grade = result.grade
    event.save(update_fields=["grade"])
    grading.regrade_subjects([event.subject_id], policy=policy, actor=actor)
    return assessment


def _method_inputs(method, l_value, c_value, e_value):
    """The inputs as the table lists them (methods.assess has checked each is in its table)."""
    tables = {"lec": (methods.LEC_L, methods.LEC_C), "ls": (methods.LS_L, methods.LS_S)}[method]
    values = {"l_value": _table_decimal(l_value, tables[0]), "c_value": _table_decimal(c_value, tables[1])}
    values["e_value"] = _table_decimal(e_value, methods.LEC_E) if method == "lec" else None
    return values


def _table_decimal(value, table):
    wanted = Decimal(str(value))
    return next(v for v, _meaning in table if v == wanted)


# ---------------------------------------------------------------------------------------------
# Measures and the hazard loop


def link_failed_item(hazard, item):
    """Link a hazard raised by a failed checklist item to every measure of the hazard's subject that
    names the same item (same checklist, same key: a newer version of the checklist keeps the link).
    Returns the number of measures linked. Called by inspections.services_conduct when finishing."""
    measures = list(
        ControlMeasure.objects.filter(
            subject_id=hazard.subject_id,
            checklist_item__version__checklist_id=item.version.checklist_id,
            checklist_item__key=item.key,
        ).values_list("pk", flat=True)
    )
    if measures:
        hazard.risk_measures.add(*measures)
    return len(measures)


def measures_with_status(queryset):
    """Measures annotated in one query with `open_hazard_count` and `status` ("failed" while any
    linked hazard is open, else "effective")."""
    return queryset.annotate(
        open_hazard_count=Count("hazards", filter=Q(hazards__status__in=OPEN_STATES), distinct=True)
    ).annotate(status=Case(When(open_hazard_count__gt=0, then=Value(FAILED)), default=Value(EFFECTIVE)))


def with_open_hazards(queryset):
    """Measures with their open hazards prefetched into `open_hazards` (for links to each)."""
    open_hazards = Hazard.objects.filter(status__in=OPEN_STATES).order_by("id")
    return queryset.prefetch_related(Prefetch("hazards", queryset=open_hazards, to_attr="open_hazards"))


def measure_status(measure):
    """ "failed" while a hazard linked to the measure is still open, else "effective"."""
    count = getattr(measure, "open_hazard_count", None)
    if count is None:
        count = measure.hazards.filter(status__in=OPEN_STATES).count()
    return FAILED if count else EFFECTIVE


@dataclass
class EventStatus:
    code: str
    open_hazards: list = field(default_factory=list)

    @property
    def label(self):
        return STATUS_LABELS[self.code]


def event_statuses(events):
    """{event id: EventStatus} for many events in one query: 存在失效措施 (with the open hazards linked
    to its measures), else 未评价 while it has no grade, else 管控有效."""
    events = list(events)
    hazards = (
        Hazard.objects.filter(status__in=OPEN_STATES, risk_measures__event_id__in=[e.pk for e in events])
        .annotate(risk_event_id=F("risk_measures__event_id"))
        .order_by("id")
    )
    open_by_event = {}
    for hazard in hazards:
        # A hazard linked to two measures of one event comes twice: keep it once.
        open_by_event.setdefault(hazard.risk_event_id, {}).setdefault(hazard.pk, hazard)
    statuses = {}
    for event in events:
        hazards = list(open_by_event.get(event.pk, {}).values())
        code = FAILED if hazards else (EFFECTIVE if event.grade else UNASSESSED)
        statuses[event.pk] = EventStatus(code, hazards)
    return statuses


def event_status(event):
    """The closed-loop status of one event (see event_statuses)."""
    return event_statuses([event])[event.pk]


def measure_counts(event_ids):
    """{event id: (measures, failed measures)} in one query (for lists of events)."""
    rows = (
        ControlMeasure.objects.filter(event_id__in=list(event_ids))
        .values("event_id")
        .annotate(
            total=Count("id", distinct=True),
            failed=Count("id", filter=Q(hazards__status__in=OPEN_STATES), distinct=True),
        )
    )
    return {row["event_id"]: (row["total"], row["failed"]) for row in rows}
