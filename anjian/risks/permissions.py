"""Who may change the risk register, the installations, the grading policy, and read the manuals.

Every caller has already found the record through `visible_to` (out of scope is 404); these answer
only whether the role may act on what it can see."""

from anjian.org.models import GOVERNMENT_ROLES, Role
from anjian.org.scope import scope_for
from anjian.registry.models import Subject

# The enterprise keeps its own register and inventory; the supervising side may correct them.
REGISTER_EDITORS = frozenset(
    {Role.ENTERPRISE, Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN}
)


def can_edit_register(user):
    """May add and change risk units, events, assessments, measures, installations and guarantors
    (of subjects the user can see)."""
    return bool(scope_for(user).roles & REGISTER_EDITORS)


def can_edit_policy(user):
    """Only the committee office sets the grading bands and raise rules: they apply city-wide."""
    return Role.CITY_OFFICE in scope_for(user).roles


def can_read_manuals(user):
    """一级一册 manuals are the government side's working documents."""
    return bool(scope_for(user).roles & GOVERNMENT_ROLES)


def own_subject(user):
    """An enterprise account's own subject (the entry point of its register and inventory), or None
    for anyone else."""
    return Subject.objects.own_subject(user)
