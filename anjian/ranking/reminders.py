"""Messages of the ranking (issue 11, rules): a published run to each town's leaders, and the
follow-up of 约谈 commitments (due in N working days, overdue).

A town's leaders are the active users holding the town role on the town's own node (an assignment
below it, on a village or a grid, is not the town's leadership): the data model has no other notion
of a leader. The sweeps run as the scheduler's system actor over the whole city.

    notify_published(run)        ranking.published   dedup ranking:<run>:<town>
    commitment_sweep(now)        ranking.commitment_due      commitment:<id>:due:<due_on>
                                 ranking.commitment_overdue  commitment:<id>:overdue:<due_on>
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.notifications.services import notify, rule_for
from anjian.org.models import Role, RoleAssignment
from anjian.workdays.services import add_working_days

from .models import Commitment

DEFAULT_LEAD_DAYS = 3


def town_leaders(town_ids):
    """{town id: [users]} of the town-role users assigned to each town's node."""
    leaders = defaultdict(list)
    rows = (
        RoleAssignment.objects.filter(role=Role.TOWN, territory_id__in=list(town_ids), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for assignment in rows:
        if assignment.user not in leaders[assignment.territory_id]:
            leaders[assignment.territory_id].append(assignment.user)
    return leaders


def office_users():
    """The committee office's active users."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, roles__role=Role.CITY_OFFICE)
        .distinct()
        .order_by("pk")
    )


# --- a run published --------------------------------------------------------------------------------


def notify_published(run):
    """Tell each ranked town's leaders its rank, score and the link to its explanation. Call inside
    the transaction that publishes `run`."""
    scores = list(run.scores.select_related("town").order_by("rank", "town__path"))
    leaders = town_leaders([s.town_id for s in scores])
    sent = []
    for score in scores:
        text = _(
            "%(month)s镇街安全生产月度晾晒已发布：%(town)s排名第%(rank)s（共%(n)s个镇街），得分%(score)s分。"
        ) % {
            "month": f"{run.month.year}年{run.month.month}月",
            "town": score.town.name,
            "rank": score.rank,
            "n": len(scores),
            "score": score.score,
        }
        sent += notify(
            leaders.get(score.town_id, []),
            kind="ranking.published",
            text=text,
            about=run,
            url=reverse("ranking:explain", args=[run.pk, score.town_id]),
            dedup_key=f"ranking:{run.pk}:{score.town_id}",
        )
    return sent


# --- commitments ------------------------------------------------------------------------------------


def lead_days():
    lead = rule_for("ranking.commitment_due").lead_days
    return DEFAULT_LEAD_DAYS if lead is None else lead


def _open_commitments():
    return Commitment.objects.filter(done_on__isnull=True).select_related("interview", "interview__town")


def _tell(commitment, recipients, *, kind, tag, state, now):
    interview = commitment.interview
    text = _("%(town)s约谈整改承诺%(state)s（完成时限%(due)s）：%(text)s") % {
        "town": interview.town.name,
        "state": state,
        "due": f"{commitment.due_on:%Y-%m-%d}",
        "text": " ".join(commitment.text.split())[:120],
    }
    return notify(
        recipients,
        kind=kind,
        text=text,
        about=commitment,
        url=reverse("ranking:interview", args=[interview.pk]),
        dedup_key=f"commitment:{commitment.pk}:{tag}:{commitment.due_on:%Y-%m-%d}",
        now=now,
    )


def commitment_sweep(now):
    """Commitments not done: due within N working days → the town's leaders; past their deadline →
    the leaders and the city office. Returns the messages created."""
    today = timezone.localdate(now)
    horizon = add_working_days(today, lead_days())
    rows = list(_open_commitments().filter(due_on__lte=horizon).order_by("due_on", "pk"))
    leaders = town_leaders({c.interview.town_id for c in rows})
    office = office_users() if any(c.due_on < today for c in rows) else []
    sent = []
    for commitment in rows:
        town = leaders.get(commitment.interview.town_id, [])
        if commitment.due_on < today:
            sent += _tell(
                commitment,
                town + office,
                kind="ranking.commitment_overdue",
                tag="overdue",
                state=_("已逾期"),
                now=now,
            )
        else:
            sent += _tell(
                commitment, town, kind="ranking.commitment_due", tag="due", state=_("即将到期"), now=now
            )
    return sent
