"""警示约谈 (admonition interviews) of towns after a published ranking, and the follow-up of the
commitments the towns made there.

Only the committee office records an interview (`permissions.can_manage_ranking`). A commitment's
completion may be reported by the office or by the summoned town's own TOWN-role users. Every change
runs in one transaction and raises InterviewError with a Chinese message when it cannot happen, so bad
input changes nothing.

Who sees which interviews: the ranking is published to the whole government side, so the office,
sector offices, departments and inspectors see every interview; a user whose only government roles are
territorial (town, grid) sees the interviews of his own town only. Out of sight is 404.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.org.models import Role
from anjian.org.scope import scope_for

from .charts import bottom_n
from .models import Commitment, Interview, RankingRun, TownScore
from .permissions import can_manage_ranking, can_view_ranking

# Roles that read every town's interviews (the ranking is published to them all).
CITYWIDE_ROLES = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR})
MAX_COMMITMENTS = 20


class InterviewError(ServiceError):
    """A change that cannot happen. `status`: 422 bad input, 403 the role may not act, 404 out of sight."""


@dataclass(frozen=True)
class CommitmentStatus:
    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"


def commitment_status(commitment, today=None):
    """done, overdue (not done and its deadline has passed) or open."""
    today = today or timezone.localdate()
    if commitment.done_on:
        return CommitmentStatus.DONE
    return CommitmentStatus.OVERDUE if commitment.due_on < today else CommitmentStatus.OPEN


def is_overdue(commitment, today=None):
    return commitment_status(commitment, today) == CommitmentStatus.OVERDUE


# --- who sees what -------------------------------------------------------------------------------


def _towns_of(user, roles):
    """Ids of the towns that `user`'s assignments with one of `roles` lie in; a village or grid
    assignment counts for its town."""
    return set(scope_for(user).towns(roles).values_list("id", flat=True))


def own_towns(user):
    """The towns whose interviews a territorial (town, grid) user sees."""
    return _towns_of(user, {Role.TOWN, Role.GRID})


def reporting_towns(user):
    """The towns whose commitments the user may report done as a TOWN-role user."""
    return _towns_of(user, {Role.TOWN})


def visible_interviews(user):
    if not can_view_ranking(user):
        return Interview.objects.none()
    if scope_for(user).roles & CITYWIDE_ROLES:
        return Interview.objects.all()
    return Interview.objects.filter(town_id__in=own_towns(user))


def visible_interview(user, pk):
    interview = visible_interviews(user).filter(pk=pk).first()
    if interview is None:
        raise InterviewError(_("约谈记录不存在或不在您的查看范围内"), 404)
    return interview


def visible_commitment(user, pk):
    commitment = (
        Commitment.objects.filter(pk=pk, interview__in=visible_interviews(user))
        .select_related("interview", "interview__town")
        .first()
    )
    if commitment is None:
        raise InterviewError(_("整改承诺不存在或不在您的查看范围内"), 404)
    return commitment


def can_report_done(user, commitment):
    return can_manage_ranking(user) or commitment.interview.town_id in reporting_towns(user)


def with_counts(interviews, today=None):
    """The interviews annotated with n_commitments, n_done and n_overdue."""
    today = today or timezone.localdate()
    return interviews.annotate(
        n_commitments=Count("commitments"),
        n_done=Count("commitments", filter=Q(commitments__done_on__isnull=False)),
        n_overdue=Count(
            "commitments", filter=Q(commitments__done_on__isnull=True, commitments__due_on__lt=today)
        ),
    )


def bottom_scores(run):
    """The run's bottom N town scores (N from the run's frozen config, else its scheme), last first.
    The same rule as the run page (charts.run_table): ranks below count − N; a tie across the line
    keeps its better rank and is not summoned, so when every town ties nobody is."""
    scores = list(run.scores.select_related("town").order_by("-rank", "town__path"))
    cut = len(scores) - bottom_n(run)
    return [s for s in scores if s.rank > cut]


# --- recording -----------------------------------------------------------------------------------


def _require_office(actor):
    if not can_manage_ranking(actor):
        raise InterviewError(_("只有市安委办可以记录约谈"), 403)


def _clean_date(value, label):
    if value in (None, ""):
        raise InterviewError(_("请填写%(f)s") % {"f": label})
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise InterviewError(_("%(f)s“%(v)s”不是有效日期") % {"f": label, "v": value}) from None
    return value


def _clean_commitments(commitments, held_on):
    """[(text, due_on)] without blank rows; every problem names the row it is in."""
    cleaned = []
    for number, (text, due_on) in enumerate(commitments, start=1):
        text = (text or "").strip()
        if not text and due_on in (None, ""):
            continue  # a blank row of the form
        if not text:
            raise InterviewError(_("第%(n)d条承诺：请填写承诺内容") % {"n": number})
        due_on = _clean_date(due_on, _("第%(n)d条承诺的完成时限") % {"n": number})
        if due_on < held_on:
            raise InterviewError(_("第%(n)d条承诺：完成时限不能早于约谈日期") % {"n": number})
        cleaned.append((text, due_on))
    if not cleaned:
        raise InterviewError(_("请至少填写一条整改承诺"))
    if len(cleaned) > MAX_COMMITMENTS:
        raise InterviewError(_("一次约谈最多记录%(n)d条承诺") % {"n": MAX_COMMITMENTS})
    return cleaned


@actor_function
def record_interview(
    actor, run, town, held_on, place, attendees, problems, commitments=(), *, synthetic=False
):
    """Record the interview of `town` after the published `run` with its commitments
    [(text, due_on), …]. Returns the Interview; nothing is saved when anything is wrong."""
    _require_office(actor)
    run = RankingRun.objects.filter(pk=getattr(run, "pk", run)).select_related("scheme").first()
    if run is None:
        raise InterviewError(_("晾晒结果不存在"), 404)
    if run.status != RankingRun.Status.PUBLISHED:
        raise InterviewError(
            _("%(m)s的晾晒结果（第%(v)d版）%(s)s，只能根据已发布的晾晒结果约谈")
            % {"m": f"{run.month:%Y年%m月}", "v": run.version, "s": run.get_status_display()}
        )
    town_id = getattr(town, "pk", town)
    score = TownScore.objects.filter(run=run, town_id=town_id).select_related("town").first()
    if score is None:
        raise InterviewError(_("所选镇（街道）不在%(m)s的晾晒结果中") % {"m": f"{run.month:%Y年%m月}"})
    held_on = _clean_date(held_on, _("约谈日期"))
    if held_on > timezone.localdate():
        raise InterviewError(_("约谈日期不能晚于今天"))
    attendees, problems, place = (attendees or "").strip(), (problems or "").strip(), (place or "").strip()
    if not attendees:
        raise InterviewError(_("请填写参加人员"))
    if not problems:
        raise InterviewError(_("请填写约谈指出的问题"))
    if len(place) > 100:
        raise InterviewError(_("地点过长（最多100个字符）"))
    cleaned = _clean_commitments(commitments, held_on)
    with transaction.atomic():
        interview = Interview.objects.create(
            run=run,
            town=score.town,
            held_on=held_on,
            place=place,
            attendees=attendees,
            problems=problems,
            recorded_by=actor,
            is_synthetic=synthetic,
        )
        audit.bulk_create(
            Commitment,
            (Commitment(interview=interview, text=text, due_on=due_on) for text, due_on in cleaned),
            actor=actor,
        )
    return interview


@actor_function
def update_commitment(actor, commitment, done_on, evidence):
    """Record that `commitment` was fulfilled on `done_on`, with what was done (`evidence`)."""
    commitment = visible_commitment(actor, getattr(commitment, "pk", commitment))
    if not can_report_done(actor, commitment):
        raise InterviewError(_("只有市安委办或被约谈镇（街道）可以报告承诺完成情况"), 403)
    done_on = _clean_date(done_on, _("完成日期"))
    if done_on > timezone.localdate():
        raise InterviewError(_("完成日期不能晚于今天"))
    if done_on < commitment.interview.held_on:
        raise InterviewError(_("完成日期不能早于约谈日期（%(d)s）") % {"d": commitment.interview.held_on})
    evidence = (evidence or "").strip()
    if not evidence:
        raise InterviewError(_("请填写完成情况"))
    with transaction.atomic():
        commitment.done_on, commitment.evidence, commitment.checked_by = done_on, evidence, actor
        commitment.save(update_fields=["done_on", "evidence", "checked_by"])
    return commitment
