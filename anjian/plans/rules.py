"""Rules the plans' modules share: the status of a task in a period, and the city the plans are
written for. Tracking, the overview and the documents all import them from here, so none of those
needs another (tracking issues letters, whose documents read the overview, which shows statuses).
"""

from django.utils import timezone

from anjian.org.models import Territory

from .models import ProgressReport, UnitRole

NOT_STARTED, ON_TRACK, AT_RISK, DONE, LATE = "not_started", "on_track", "at_risk", "done", "late"
STATUSES = (NOT_STARTED, ON_TRACK, AT_RISK, DONE, LATE)
# Worst first: the status of several reports together is the worst of them.
SEVERITY = {
    ProgressReport.Status.AT_RISK: 0,
    ProgressReport.Status.ON_TRACK: 1,
    ProgressReport.Status.DONE: 2,
}


def status_of(roles, reports, deadline, today):
    """The status of a task in a period, on `today`:

    1. late — the deadline has passed (today is after the deadline day) and a responsible unit has
       not reported, or reported after the deadline;
    2. otherwise the lead unit's consolidated report, if there is one, decides (done, at risk, on
       track);
    3. otherwise a lead unit's own report decides (the worst, if several leads reported);
    4. otherwise the worst of the units' reports (at risk < on track < done), where a unit yet to
       report counts as on track: done only when every responsible unit reported done;
    5. no report before (or on) the deadline day: not started.

    `roles` {unit id: role}; `reports` the period's reports on the task (objects with unit_id,
    status, consolidated, submitted_at).
    """
    on_time = {r.unit_id for r in reports if timezone.localdate(r.submitted_at) <= deadline}
    if today > deadline and not set(roles) <= on_time:
        return LATE
    if not reports:
        return NOT_STARTED
    consolidated = [r for r in reports if r.consolidated]
    if consolidated:
        return max(consolidated, key=lambda r: r.submitted_at).status
    leads = [r for r in reports if roles.get(r.unit_id) == UnitRole.LEAD]
    if leads:
        return _worst(r.status for r in leads)
    statuses = [r.status for r in reports]
    if not set(roles) <= {r.unit_id for r in reports}:
        statuses.append(ProgressReport.Status.ON_TRACK)
    return _worst(statuses)


def _worst(statuses):
    return str(min(statuses, key=lambda s: SEVERITY[s]))


def city_name():
    """The name of the city (the top of the territory tree), or "" before the tree is seeded."""
    city = Territory.objects.filter(level=Territory.Level.CITY).order_by("path").first()
    return city.name if city else ""
