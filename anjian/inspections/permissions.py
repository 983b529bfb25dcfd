"""Who may plan, draw and conduct inspections."""

from anjian.org.models import Role
from anjian.org.scope import scope_for

PLANNERS = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})
INSPECTING_ROLES = frozenset(
    {Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN, Role.GRID, Role.INSPECTOR}
)


def can_plan(user):
    return bool(scope_for(user).roles & PLANNERS)


def can_conduct(user, inspection):
    """Whether `user` may fill in `inspection` (which the caller has already found visible)."""
    roles = scope_for(user).roles
    if inspection.is_self:
        return Role.ENTERPRISE in roles
    if inspection.inspectors.filter(pk=user.pk).exists():
        return True
    return bool(roles & INSPECTING_ROLES)
