"""The avoidance list (回避名单): inspectors who must never be drawn for a subject or for any subject
of a territory. A planner keeps the list for the inspectors of its own units; the city office for all."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from anjian.core.context import actor_function
from anjian.org.models import Role, RoleAssignment, Territory
from anjian.org.scope import scope_for
from anjian.registry.models import Subject

from .errors import InspectionError
from .models import AvoidanceRule
from .permissions import can_plan
from .services_plans import actor_units


def managed_inspectors(actor):
    """Ids of the inspectors whose avoidances the actor keeps."""
    rows = RoleAssignment.objects.filter(role=Role.INSPECTOR, user__is_active=True)
    if not scope_for(actor).unrestricted:
        rows = rows.filter(unit__in=actor_units(actor))
    return set(rows.values_list("user_id", flat=True))


def visible_rules(actor):
    """The rules of the actor's inspectors about subjects and territories the actor may see."""
    if not can_plan(actor):
        return AvoidanceRule.objects.none()
    territories = Territory.objects.visible_to(actor)
    return AvoidanceRule.objects.filter(
        Q(subject=None) | Q(subject__in=Subject.objects.visible_to(actor)),
        Q(territory=None) | Q(territory__in=territories),
        inspector_id__in=managed_inspectors(actor),
    )


def _require_planner(actor):
    if not can_plan(actor):
        raise InspectionError(_("您的角色不能维护回避名单"), 403)


@actor_function
@transaction.atomic
def add_rule(actor, inspector_id, *, subject_id=None, territory_id=None, reason=""):
    _require_planner(actor)
    if inspector_id not in managed_inspectors(actor):
        raise InspectionError(_("所选检查人员不属于您的单位"))
    if bool(subject_id) == bool(territory_id):
        raise InspectionError(_("请选择一个回避对象或一个回避辖区（二选一）"))
    reason = (reason or "").strip()
    if not reason:
        raise InspectionError(_("请填写回避理由"))
    subject = territory = None
    if subject_id:
        subject = Subject.objects.visible_to(actor).filter(pk=subject_id).first()
        if subject is None:
            raise InspectionError(_("回避对象不存在或不在您的管辖范围内"))
    else:
        territory = Territory.objects.visible_to(actor).filter(pk=territory_id).first()
        if territory is None:
            raise InspectionError(_("回避辖区不存在或不在您的管辖范围内"))
    if AvoidanceRule.objects.filter(inspector_id=inspector_id, subject=subject, territory=territory).exists():
        raise InspectionError(_("该回避记录已存在"), 409)
    return AvoidanceRule.objects.create(
        inspector_id=inspector_id, subject=subject, territory=territory, reason=reason[:200]
    )


@actor_function
@transaction.atomic
def remove_rule(actor, rule_id):
    # Looked up first: a rule the actor cannot see answers 404 whatever the role.
    rule = visible_rules(actor).filter(pk=rule_id).first()
    if rule is None:
        raise InspectionError(_("回避记录不存在"), 404)
    rule.delete()
