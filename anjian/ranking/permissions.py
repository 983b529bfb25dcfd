"""Who may compute and publish rankings, and who may read them."""

from anjian.org.scope import scope_for
from anjian.org.models import GOVERNMENT_ROLES, Role


def can_manage_ranking(user):
    """The committee office sets the scheme, computes, publishes and summons: it runs the ranking."""
    return Role.CITY_OFFICE in scope_for(user).roles


def can_view_ranking(user):
    """The ranking is published to every town and department; enterprises do not see it."""
    return bool(scope_for(user).roles & GOVERNMENT_ROLES)
