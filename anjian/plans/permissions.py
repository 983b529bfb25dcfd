"""Who may import, review and see the annual work plans (工作要点).

The committee office (市安委办) imports, reviews and accepts a plan. The units that report against it —
the office itself, the sector committee offices, the member departments and the towns — may see the
plans; grid members, inspectors and enterprises have no part in them.
"""

from anjian.org.scope import scope_for
from anjian.org.models import Role, RoleAssignment, Unit

MANAGERS = frozenset({Role.CITY_OFFICE})
REPORTING_ROLES = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})


def can_manage_plans(user):
    return bool(scope_for(user).roles & MANAGERS)


def can_view_plans(user):
    return bool(scope_for(user).roles & REPORTING_ROLES)


def reporting_units(user):
    """The units the user reports for: the units of its assignments in a reporting role."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    unit_ids = RoleAssignment.objects.filter(
        user=user, role__in=REPORTING_ROLES, unit__isnull=False
    ).values_list("unit_id", flat=True)
    return Unit.objects.filter(pk__in=unit_ids)
