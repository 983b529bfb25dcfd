"""Who may compute and publish rankings, and who may read them."""

from anjian.org.models import GOVERNMENT_ROLES, Role
from anjian.org.scope import scope_for

from .models import RankingRun


def can_manage_ranking(user):
    """The committee office sets the scheme, computes, publishes and summons: it runs the ranking."""
    return Role.CITY_OFFICE in scope_for(user).roles


def can_view_ranking(user):
    """The ranking is published to every town and department; enterprises do not see it."""
    return bool(scope_for(user).roles & GOVERNMENT_ROLES)


def visible_runs(user):
    """The runs `user` may read. A draft (computed, not yet published) names the towns to be summoned
    before the office has checked it: until published it is the managing office's alone. Published
    and superseded versions are read by every government user; enterprises read none."""
    runs = RankingRun.objects.all()
    if can_manage_ranking(user):
        return runs
    if not can_view_ranking(user):
        return runs.none()
    return runs.exclude(status=RankingRun.Status.DRAFT)
