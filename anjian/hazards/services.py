"""Every change to a hazard goes through these functions: they check the actor's role and scope,
lock the row, change it, and record the timeline event, all in one transaction."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.core.uploads import save_images
from anjian.org.models import Role
from anjian.org.scope import scope_for
from anjian.registry import grades
from anjian.registry.models import Subject

from . import reminders
from .models import Hazard, HazardEvent, Level, Source, SupervisionLevel, on_time_for
from .workflows import ACTIONS, SUPERVISORS, allowed_actions


class TransitionError(ServiceError):
    """A transition that cannot happen. `status` is the HTTP answer: 409 for a wrong state,
    422 for missing or bad data, 403 for a role that may not act."""


def _event(hazard, action, from_status, actor, comment="", attachments=(), at=None):
    event = HazardEvent.objects.create(
        hazard=hazard,
        at=at or timezone.now(),
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        actor=actor,
        actor_name=_display_name(actor),
        comment=comment,
    )
    if attachments:
        event.attachments.set(attachments)
    return event


def _display_name(user):
    person = getattr(user, "person", None)
    return person.name if person else user.get_username()


def _photos(photos, actor):
    try:
        return save_images(photos or [], actor)
    except ValidationError as error:
        raise TransitionError(" ".join(error.messages), 422) from None


def _require_date_not_past(value, field_label):
    if value is not None and value < timezone.localdate():
        raise TransitionError(_("%(field)s不能早于今天") % {"field": field_label})


@actor_function
@transaction.atomic
def report_hazard(
    actor,
    subject_id,
    title,
    *,
    level=Level.GENERAL,
    source=None,
    description="",
    location="",
    deadline=None,
    photos=(),
    found_at=None,
    inspection=None,
):
    """Record a newly found hazard against a subject the actor can see — or, from an `inspection`
    the actor is named on, against that inspection's subject (a joint inspection takes inspectors
    outside their own sectors)."""
    scope = scope_for(actor)
    subject = _reportable_subject(actor, subject_id, inspection)
    if subject is None:
        raise Http404(_("监管对象不存在或不在您的管辖范围内"))
    if not scope.roles:
        raise TransitionError(_("您没有上报隐患的角色"), 403)
    title = (title or "").strip()
    if not title:
        raise TransitionError(_("请填写隐患描述"))
    if level not in Level.values:
        raise TransitionError(_("隐患等级“%(v)s”无效") % {"v": level})
    if source is None:
        source = Source.SELF_CHECK if scope.roles == {Role.ENTERPRISE} else Source.INSPECTION
    if source not in Source.values:
        raise TransitionError(_("隐患来源“%(v)s”无效") % {"v": source})
    _require_date_not_past(deadline, _("整改期限"))
    attachments = _photos(photos, actor)
    now = timezone.now()  # found "now" means found when reported: one instant for both
    hazard = Hazard(
        subject=subject,
        title=title[:200],
        description=description,
        location=location,
        level=level,
        source=source,
        deadline=deadline,
        found_by=actor,
        found_at=found_at or now,
        supervising_unit=subject.supervising_unit,
    )
    hazard.copy_from_subject()
    # The code carries the id, which exists only after the insert: a unique placeholder until then
    # (it must fit the column: PostgreSQL enforces max_length, SQLite does not).
    hazard.code = f"TMP{uuid.uuid4().hex[:20]}"
    hazard.save()
    hazard.code = f"YH{timezone.localtime(hazard.found_at):%Y}{hazard.pk:07d}"
    hazard.save(update_fields=["code"])
    _event(hazard, "report", "", actor, description, attachments, at=now)
    grades.regrade([subject.pk], actor=actor)  # an open (major) hazard can raise the subject's grade
    return hazard


def _reportable_subject(actor, subject_id, inspection):
    subject = Subject.objects.visible_to(actor).filter(pk=subject_id).first()
    if subject is None and inspection is not None and inspection.subject_id == subject_id:
        if inspection.inspectors.filter(pk=actor.pk).exists():
            subject = inspection.subject
    return subject


def _check_assignment(hazard, deadline, responsible_person, plan):
    if deadline is None:
        raise TransitionError(_("交办整改须设定整改期限"))
    _require_date_not_past(deadline, _("整改期限"))
    if not (responsible_person or "").strip():
        raise TransitionError(_("交办整改须指定整改责任人"))
    if hazard.level == Level.MAJOR and not (plan or "").strip():
        raise TransitionError(_("重大隐患须制定整改方案（含措施、资金、时限、责任人、应急预案）"))


@actor_function
@transaction.atomic
def transition(
    actor,
    hazard_id,
    action_name,
    *,
    comment="",
    photos=(),
    deadline=None,
    responsible_person=None,
    rectification_plan=None,
    funds=None,
    supervision_level=None,
):
    """Apply `action_name` to the hazard, as `actor`. Returns the updated hazard."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TransitionError(
            _("未知操作“%(a)s”，可用操作：%(all)s") % {"a": action_name, "all": ", ".join(ACTIONS)}, 422
        )
    hazard = Hazard.objects.visible_to(actor).select_for_update().filter(pk=hazard_id).first()
    if hazard is None:
        raise Http404(_("隐患不存在或不在您的管辖范围内"))
    roles = scope_for(actor).roles
    if hazard.status not in action.sources:
        raise TransitionError(
            _("隐患当前状态为“%(s)s”，不能执行“%(a)s”")
            % {"s": hazard.get_status_display(), "a": action.label},
            409,
        )
    if not roles & action.roles_for(hazard):
        if hazard.level == Level.MAJOR and roles & action.roles:
            message = _("重大隐患须由监管单位执行“%(a)s”") % {"a": action.label}
        else:
            message = _("您的角色不能执行“%(a)s”") % {"a": action.label}
        raise TransitionError(message, 403)
    comment = (comment or "").strip()
    if action.needs_comment and not comment:
        raise TransitionError(_("“%(a)s”须填写说明") % {"a": action.label})

    from_status = hazard.status
    now = timezone.now()
    if action.name == "assign":
        _check_assignment(hazard, deadline, responsible_person, rectification_plan)
        hazard.deadline = deadline
        hazard.responsible_person = responsible_person.strip()
        if rectification_plan is not None:
            hazard.rectification_plan = rectification_plan
        if funds is not None:
            hazard.funds = funds
    elif action.name == "submit":
        hazard.submitted_at = now
        hazard.on_time = on_time_for(now, hazard.deadline)
    elif action.name == "verify":
        hazard.verified_at = now
    elif action.name == "reject":
        hazard.submitted_at = None
        hazard.on_time = None
    elif action.name == "close":
        hazard.closed_at = now
    elif action.name == "supervise":
        _supervise(hazard, roles, supervision_level, deadline)
    attachments = _photos(photos, actor)
    if action.target is not None:
        hazard.status = action.target
    hazard.save()
    _event(hazard, action.name, from_status, actor, comment, attachments)
    # Closing, a new deadline or a change of level can move the subject's dynamic grade.
    grades.regrade([hazard.subject_id], actor=actor)
    # Told in this transaction: a transition rolled back tells no one.
    if action.name == "assign":
        reminders.notify_assigned(hazard, actor)
    elif action.name == "supervise":
        reminders.notify_supervised(hazard, actor)
    return hazard


def _supervise(hazard, roles, level, deadline):
    allowed = set()
    if roles & {Role.CITY_OFFICE, Role.SECTOR_OFFICE}:
        allowed.add(SupervisionLevel.CITY)
    if Role.TOWN in roles:
        allowed.add(SupervisionLevel.TOWN)
    if level not in allowed:
        raise TransitionError(
            _("督办级别须为：%(l)s")
            % {"l": "、".join(str(SupervisionLevel(v).label) for v in sorted(allowed))}
        )
    if deadline is None:
        raise TransitionError(_("挂牌督办须设定督办期限"))
    _require_date_not_past(deadline, _("督办期限"))
    if hazard.supervision_level == SupervisionLevel.CITY and level == SupervisionLevel.TOWN:
        raise TransitionError(_("该隐患已由市级挂牌督办"), 409)
    hazard.supervision_level = level
    hazard.supervision_deadline = deadline


def available_actions(actor, hazard):
    return allowed_actions(hazard, scope_for(actor).roles)


def can_report(actor):
    roles = scope_for(actor).roles
    return bool(roles & (SUPERVISORS | {Role.ENTERPRISE}))


def parse_date(value, field_label):
    """Parse YYYY-MM-DD from a form or API; a clear message when it is not a date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise TransitionError(
            _("%(f)s“%(v)s”不是有效日期（格式：YYYY-MM-DD）") % {"f": field_label, "v": value}
        ) from None
