"""Who reads the delivery log, the channels and the rules: the committee office, which runs them."""

from anjian.org.models import Role
from anjian.org.scope import scope_for


def can_manage_notifications(user):
    return Role.CITY_OFFICE in scope_for(user).roles
