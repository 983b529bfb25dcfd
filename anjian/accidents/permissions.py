"""Who may record accidents: the government side with a supervising role over the place."""

from anjian.org.models import GOVERNMENT_ROLES, Role
from anjian.org.scope import scope_for

RECORDERS = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})


def can_record_accidents(user):
    return bool(scope_for(user).roles & RECORDERS)


def can_view_accidents(user):
    """Enterprises see none (an accident record names victims' counts of other units)."""
    return bool(scope_for(user).roles & GOVERNMENT_ROLES)


def can_set_targets(user):
    """Key periods and the year's control figures are the committee office's."""
    return Role.CITY_OFFICE in scope_for(user).roles
