"""Who may keep the subject register. The page shell (web.context) and the register's own views ask here."""

from anjian.org.models import Role
from anjian.org.scope import scope_for

# Roles that keep the subject register (create and edit subjects).
REGISTRY_EDITORS = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})


def can_edit_subjects(user):
    return bool(scope_for(user).roles & REGISTRY_EDITORS)
