"""Who may edit the checklist library. Checklists sit below inspections in the app layers
(pyproject.toml), so the rule lives here and inspections asks checklists, not the reverse."""

from anjian.org.models import Role
from anjian.org.scope import scope_for

CHECKLIST_EDITORS = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT})


def can_edit_checklists(user):
    return bool(scope_for(user).roles & CHECKLIST_EDITORS)
