"""Who may import, review and see the annual work plans (工作要点).

The committee office (市安委办) imports, reviews and accepts a plan. The units that report against it —
the office itself, the sector committee offices, the member departments and the towns — may see the
plans; grid members, inspectors and enterprises have no part in them.
"""

from anjian.org.models import Role, Unit
from anjian.org.scope import scope_for

MANAGERS = frozenset({Role.CITY_OFFICE})
REPORTING_ROLES = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})


def can_manage_plans(user):
    return bool(scope_for(user).roles & MANAGERS)


def can_view_plans(user):
    return bool(scope_for(user).roles & REPORTING_ROLES)


def reporting_units(user):
    """The units the user reports for: the units of its assignments in a reporting role."""
    return Unit.objects.filter(pk__in=scope_for(user).unit_ids(REPORTING_ROLES))
