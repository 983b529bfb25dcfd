"""The hazard closed loop as data: (state, action) → new state, who may do it, what it needs.

The same table drives the buttons on the detail page, the permission check in services, the API's
list of allowed actions and the test that walks every allowed and forbidden transition.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from anjian.org.models import Role

from .models import OPEN_STATES, Status

SUPERVISORS = frozenset(
    {Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN, Role.GRID, Role.INSPECTOR}
)
# Major hazards are verified and closed by a supervising unit, not by a grid member or a single inspector.
SUPERVISING_UNITS = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})
RECTIFIERS = SUPERVISORS | {Role.ENTERPRISE}


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: the state does not change
    roles: frozenset
    major_roles: frozenset | None = None  # who may do it when the hazard is major, if stricter
    needs_comment: bool = False
    style: str = "primary"

    def roles_for(self, hazard):
        if hazard.level == "major" and self.major_roles is not None:
            return self.major_roles
        return self.roles


ACTIONS = {
    a.name: a
    for a in (
        Action("assign", _("交办整改"), (Status.REPORTED,), Status.ASSIGNED, SUPERVISORS),
        Action("accept", _("接收整改"), (Status.ASSIGNED,), Status.RECTIFYING, RECTIFIERS),
        Action(
            "submit", _("提交整改"), (Status.RECTIFYING,), Status.SUBMITTED, RECTIFIERS, needs_comment=True
        ),
        Action(
            "verify",
            _("复查通过"),
            (Status.SUBMITTED,),
            Status.VERIFIED,
            SUPERVISORS,
            SUPERVISING_UNITS,
            style="success",
        ),
        Action(
            "reject",
            _("复查不通过（退回）"),
            (Status.SUBMITTED,),
            Status.RECTIFYING,
            SUPERVISORS,
            SUPERVISING_UNITS,
            needs_comment=True,
            style="danger",
        ),
        Action(
            "close",
            _("销号"),
            (Status.VERIFIED,),
            Status.CLOSED,
            SUPERVISORS,
            SUPERVISING_UNITS,
            style="success",
        ),
        Action(
            "supervise",
            _("挂牌督办"),
            tuple(OPEN_STATES),
            None,
            frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.TOWN}),
            needs_comment=True,
            style="warning",
        ),
    )
}


def allowed_actions(hazard, roles):
    """The actions `roles` may take on `hazard` in its current state."""
    return [
        action
        for action in ACTIONS.values()
        if hazard.status in action.sources and roles & action.roles_for(hazard)
    ]
