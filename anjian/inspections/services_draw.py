"""The double-random draw of a plan: freeze the pool and commit to a seed, draw, verify.

Where the seed waits: `secrets.token_hex(32)` is written to `Draw.seed` at commit, in the same row
and transaction as its published hash, because a seed kept anywhere else (a file, a cache) could be
lost or diverge from the row; the change log copies it only as a hash (audit.HASHED_FIELDS), never
in clear. Nothing shows it before the draw: the public pages and the JSON
download go through `public_seed(draw)`, which answers "" until the status is drawn. (The Django
admin, which only superusers reach, should not list it either; see the report on DrawAdmin.)

One draw per plan: letting an organiser commit several seeds and then pick which one to draw would
let it choose its targets, which the commitment exists to prevent.
"""

import math
import secrets
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.context import actor_function
from anjian.org.models import Role, RoleAssignment
from anjian.registry.models import RiskGrade, Subject

from . import draw as algorithm
from .bulk import create_planned
from .errors import InspectionError
from .models import (
    DEFAULT_WEIGHTS,
    AvoidanceRule,
    Draw,
    InspectionPlan,
    PlanUnit,
    TargetMode,
)
from .permissions import can_plan
from .reminders import notify_assigned
from .targets import plan_pool

NAMED_SUBJECTS = 5  # how many subjects an error message names before "…"


# --- the pool ------------------------------------------------------------------------------------


def clean_weights(weights):
    """{risk grade: positive number} for every grade ("" = not graded), the defaults filled in.
    Whole numbers are stored as int so the pool's canonical JSON (and its hash) does not depend on
    whether a form sent 2 or 2.0."""
    labels = {"": _("未评级"), **{grade.value: grade.label for grade in RiskGrade}}
    cleaned = {str(grade): weight for grade, weight in DEFAULT_WEIGHTS.items()}
    for grade, value in (weights or {}).items():
        grade = str(grade)
        if grade not in labels:
            raise InspectionError(_("风险等级“%(g)s”不存在") % {"g": grade})
        number = _positive_number(value)
        if number is None:
            raise InspectionError(
                _("“%(g)s”的权重须为正数（收到 %(v)s）") % {"g": labels[grade], "v": repr(value)}
            )
        cleaned[grade] = number
    return cleaned


def _positive_number(value):
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    return int(number) if number.is_integer() else number


def plan_inspectors(plan):
    """Ids of active users holding the inspector role in the organiser or a participating unit."""
    units = {plan.organiser_id, *PlanUnit.objects.filter(plan=plan).values_list("unit_id", flat=True)}
    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=Role.INSPECTOR, unit_id__in=units, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def _by_prefix(rows):
    """{territory path: {user ids}} from (path, user id) rows."""
    found = defaultdict(set)
    for path, uid in rows:
        found[path].add(uid)
    return found


def pool_conflicts(subjects, inspectors):
    """{subject id: {user ids}} of the inspectors who must not check each subject: an avoidance
    rule on the subject or on a territory above it, an enterprise account of the subject (or of its
    parent company), a grid role over the subject's grid. Four queries whatever the pool's size."""
    conflicts = defaultdict(set)
    by_subject = defaultdict(set)
    rules = AvoidanceRule.objects.filter(inspector_id__in=inspectors)
    for sid, uid in rules.exclude(subject=None).values_list("subject_id", "inspector_id"):
        by_subject[sid].add(uid)
    for sid, uid in RoleAssignment.objects.filter(
        role=Role.ENTERPRISE, user_id__in=inspectors, subject__isnull=False
    ).values_list("subject_id", "user_id"):
        by_subject[sid].add(uid)
    by_path = _by_prefix(rules.exclude(territory=None).values_list("territory__path", "inspector_id"))
    # A subject's path is its grid's path when it has one, so "a grid role over its grid" is a
    # prefix test too (and covers a grid role given for a whole village).
    grid_paths = _by_prefix(
        RoleAssignment.objects.filter(
            role=Role.GRID, user_id__in=inspectors, territory__isnull=False
        ).values_list("territory__path", "user_id")
    )
    for path, users in grid_paths.items():
        by_path[path] |= users
    # A subtree rule on path p matches a subject whose path starts with p: look up the subject's
    # path cut at each length a rule path has (a handful), not every rule.
    lengths = sorted({len(path) for path in by_path})
    for sid, path, parent_id in subjects:
        found = set()
        for key in (sid, parent_id):
            if key in by_subject:
                found |= by_subject[key]
        for length in lengths:
            users = by_path.get(path[:length])
            if users:
                found |= users
        if found:
            conflicts[sid] = found
    return conflicts


def build_pool(plan, weights=None):
    """The frozen inputs of a draw of `plan` (see anjian.inspections.draw) and the weights used."""
    weights = clean_weights(weights)
    rows = list(plan_pool(plan).order_by("id").values_list("id", "territory_path", "parent_id", "risk_grade"))
    inspectors = plan_inspectors(plan)
    conflicts = pool_conflicts([row[:3] for row in rows], inspectors)
    pool = {
        "subjects": [[sid, weights[grade or ""]] for sid, _path, _parent, grade in rows],
        "inspectors": inspectors,
        "conflicts": {str(sid): sorted(users) for sid, users in sorted(conflicts.items())},
    }
    return pool, weights


# --- commit, draw, verify ------------------------------------------------------------------------


def _visible_plan(actor, plan):
    if not can_plan(actor):
        raise InspectionError(_("您没有组织双随机抽取的角色"), 403)
    if not InspectionPlan.objects.visible_to(actor).filter(pk=plan.pk).exists():
        raise InspectionError(_("检查计划不存在"), 404)


def _check_counts(target_count, per_target):
    if isinstance(target_count, bool) or not isinstance(target_count, int) or target_count < 1:
        raise InspectionError(_("抽取对象数须为正整数"))
    if (
        isinstance(per_target, bool)
        or not isinstance(per_target, int)
        or per_target < algorithm.MIN_PER_TARGET
    ):
        raise InspectionError(_("每个对象至少须由 %(n)d 名检查人员检查") % {"n": algorithm.MIN_PER_TARGET})


def _check_pool(pool, target_count, per_target):
    """Every draw from this pool will succeed: enough subjects, and every subject (any of them may be
    drawn) has at least `per_target` inspectors it is not in conflict with."""
    subjects, inspectors = pool["subjects"], pool["inspectors"]
    if len(subjects) < target_count:
        raise InspectionError(
            _("对象库只有 %(n)d 个对象，少于要抽取的 %(want)d 个")
            % {"n": len(subjects), "want": target_count}
        )
    if len(inspectors) < per_target:
        raise InspectionError(
            _("组织单位和参加单位的检查人员只有 %(n)d 名，少于每个对象所需的 %(k)d 名")
            % {"n": len(inspectors), "k": per_target}
        )
    short = [
        int(sid) for sid, users in pool["conflicts"].items() if len(inspectors) - len(users) < per_target
    ]
    if short:
        names = list(
            Subject.objects.filter(pk__in=sorted(short)[:NAMED_SUBJECTS]).values_list("name", flat=True)
        )
        more = "…" if len(short) > NAMED_SUBJECTS else ""
        raise InspectionError(
            _("%(n)d 个对象排除回避后可选检查人员少于 %(k)d 名：%(names)s%(more)s")
            % {"n": len(short), "k": per_target, "names": "、".join(names), "more": more}
        )


@actor_function
@transaction.atomic
def commit_draw(actor, plan, target_count, inspectors_per_target=2, weights=None):
    """Freeze the pool, choose the seed and publish both hashes. Nothing is saved unless the draw
    is certain to succeed."""
    _visible_plan(actor, plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.target_mode != TargetMode.DRAW:
        raise InspectionError(_("该计划的检查对象不是双随机抽取"))
    if plan.status == InspectionPlan.Status.CLOSED:
        raise InspectionError(_("检查计划已结束"), 409)
    if plan.draws.exists():
        raise InspectionError(_("该计划已有随机抽取，不能再次公示种子"), 409)
    _check_counts(target_count, inspectors_per_target)
    pool, weights = build_pool(plan, weights)
    _check_pool(pool, target_count, inspectors_per_target)
    seed = secrets.token_hex(32)
    draw = Draw.objects.create(
        plan=plan,
        target_count=target_count,
        inspectors_per_target=inspectors_per_target,
        weights=weights,
        pool=pool,
        pool_hash=algorithm.pool_hash(pool),
        seed=seed,
        seed_hash=algorithm.seed_hash(seed),
        committed_by=actor,
    )
    return draw


def public_seed(draw):
    """The seed as anyone outside may see it: only once the draw is made."""
    return draw.seed if draw.status == Draw.Status.DRAWN else ""


@actor_function
@transaction.atomic
def perform_draw(actor, draw):
    """Reveal the seed, compute the result and create one planned inspection per target."""
    _visible_plan(actor, draw.plan)
    draw = Draw.objects.select_for_update().select_related("plan").get(pk=draw.pk)
    if draw.status != Draw.Status.COMMITTED:
        raise InspectionError(_("该抽取已经完成"), 409)
    if algorithm.pool_hash(draw.pool) != draw.pool_hash or algorithm.seed_hash(draw.seed) != draw.seed_hash:
        raise InspectionError(_("抽取的对象库或种子与公示的摘要不一致，不能抽取"), 409)
    draw.result = algorithm.run_draw(draw.seed, draw.pool, draw.target_count, draw.inspectors_per_target)
    draw.status, draw.drawn_at = Draw.Status.DRAWN, timezone.now()
    draw.save()
    _create_inspections(actor, draw)
    return draw


def _create_inspections(actor, draw):
    """One planned inspection per target, with the inspectors the draw gave it; they are told in the
    same transaction."""
    subjects = Subject.objects.in_bulk([row["subject"] for row in draw.result])
    targets = [(subjects[row["subject"]], row["inspectors"]) for row in draw.result]
    inspections = create_planned(actor, draw.plan, targets, draw=draw)
    notify_assigned(draw.plan, [(i, ids) for i, (_s, ids) in zip(inspections, targets, strict=True)])
    return inspections


def verify_draw(draw):
    """(ok, message): re-run the draw from its revealed seed and frozen pool and compare. A draw not
    yet made can only have its pool checked against the published hash."""
    if draw.algorithm != algorithm.ALGORITHM:
        return False, _("未知的抽取算法 %(a)s") % {"a": draw.algorithm}
    if algorithm.pool_hash(draw.pool) != draw.pool_hash:
        return False, _("对象库与公示的摘要不一致")
    if draw.status != Draw.Status.DRAWN:
        return True, _("尚未抽取（种子未公开），对象库与摘要一致")
    if algorithm.seed_hash(draw.seed) != draw.seed_hash:
        return False, _("公开的种子与事先公示的摘要不一致")
    try:
        result = algorithm.run_draw(draw.seed, draw.pool, draw.target_count, draw.inspectors_per_target)
    except InspectionError as error:
        return False, _("无法重新抽取：%(e)s") % {"e": error.message}
    if result != draw.result:
        differing = sum(1 for a, b in zip(result, draw.result, strict=False) if a != b)
        differing += abs(len(result) - len(draw.result))
        return False, _("重新抽取的结果与保存的结果不一致（%(n)d 处不同）") % {"n": differing}
    return True, _("种子、对象库摘要一致，重新抽取的结果与保存的结果一致")
