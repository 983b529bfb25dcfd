"""A subject's risk grade and its dynamic grade, with the reasons, written onto `Subject`.

- **Assessed grade** (`Subject.risk_grade`): the grade of the subject's most severe active, graded risk
  event; a subject with no graded event keeps the grade recorded for it by hand or by import.
- **Dynamic grade** (`Subject.dynamic_grade`): the assessed grade raised by what is happening now, each
  signal by the rule the office set in `RiskPolicy` (no change, one level up, or straight to red): an
  open major hazard, a hazard past its deadline, an accident in the past year (the list `SIGNALS`
  below names each, and where its counts come from). Signals do not add up: the dynamic grade is the
  most severe single result.
- **Reasons** (`Subject.grade_reasons`): a list of `{"code", …}` dicts, rendered by `describe` in the
  reader's language, so every grade shows how it came about.

`regrade_subjects` recomputes all of it in a handful of grouped queries and writes only the rows that
changed, through the audit helpers (one change-log entry per subject or event that moved, naming the
actor). Nothing calls it behind a service's back: the services that change what a grade reads call
`anjian.registry.grades.regrade` (which batches per transaction and lands here, see
settings.ANJIAN_SUBJECT_GRADER), the policy page re-grades every subject, and the nightly
`anjian risks regrade` does too, since hazards become overdue by the calendar.
"""

from collections import defaultdict

from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.risk_signal import accident_counts
from anjian.core import audit
from anjian.hazards.models import Hazard, Level
from anjian.registry.models import RiskGrade, Subject

from .methods import GRADE_LABELS, band_grade
from .models import GRADE_ORDER, RiskAssessment, RiskEvent, RiskPolicy, grade_rank

BATCH = 2000


def _open_major_hazards(subject_ids, today):
    rows = Hazard.objects.open().filter(level=Level.MAJOR)
    return _count_by_subject(rows, subject_ids)


def _overdue_hazards(subject_ids, today):
    return _count_by_subject(Hazard.objects.overdue(today), subject_ids)


# Each signal: (code, the RiskPolicy field holding its rule, function(subject_ids, today) returning
# {subject_id: count}). subject_ids None means every subject. A new signal (alarms) is added here.
SIGNALS = (
    ("major_hazard", "open_major_hazard", _open_major_hazards),
    ("overdue_hazard", "overdue_hazard", _overdue_hazards),
    ("accident", "accident", accident_counts),
)


def regrade_subjects(subject_ids=None, policy=None, today=None, *, actor):
    """Recompute event grades, assessed and dynamic grades for the given subjects (all when None), as
    `actor` (a user, or a system actor for jobs). Returns the number of subjects whose grade or reasons
    changed."""
    policy = policy or RiskPolicy.current()
    today = today or timezone.localdate()
    if subject_ids is not None:
        subject_ids = sorted(set(subject_ids))
        if not subject_ids:
            return 0
    regrade_events(subject_ids, policy.bands, actor=actor)
    worst = _worst_event_grades(subject_ids)
    fired = {code: (getattr(policy, rule), fn(subject_ids, today)) for code, rule, fn in SIGNALS}
    subjects = Subject.objects.only("id", "risk_grade", "dynamic_grade", "grade_reasons")
    if subject_ids is not None:
        subjects = subjects.filter(id__in=subject_ids)
    changed = []
    for subject in subjects.iterator(chunk_size=BATCH):
        grade, dynamic, reasons = _grade_one(subject, worst.get(subject.id), fired)
        if (grade, dynamic, reasons) != (subject.risk_grade, subject.dynamic_grade, subject.grade_reasons):
            subject.risk_grade, subject.dynamic_grade, subject.grade_reasons = grade, dynamic, reasons
            changed.append(subject)
    audit.bulk_update(
        changed, ["risk_grade", "dynamic_grade", "grade_reasons"], actor=actor, batch_size=BATCH
    )
    return len(changed)


def regrade_events(subject_ids, bands, *, actor):
    """Give each event the grade its latest assessment's score earns under the current bands."""
    latest = RiskAssessment.objects.filter(event=OuterRef("pk")).order_by("-assessed_at", "-id")
    events = RiskEvent.objects.annotate(
        method=Subquery(latest.values("method")[:1]), score=Subquery(latest.values("score")[:1])
    )
    if subject_ids is not None:
        events = events.filter(subject_id__in=subject_ids)
    moves = defaultdict(list)
    for event_id, grade, method, score in events.values_list("id", "grade", "method", "score").iterator():
        new = band_grade(method, score, bands) if method else ""
        if new != grade:
            moves[new].append(event_id)
    for grade, ids in moves.items():
        for start in range(0, len(ids), BATCH):
            audit.update(
                RiskEvent.objects.filter(id__in=ids[start : start + BATCH]), actor=actor, grade=grade
            )


def _worst_event_grades(subject_ids):
    """{subject_id: (grade, event name)} of each subject's most severe active graded event."""
    rows = RiskEvent.objects.filter(is_active=True).exclude(grade="")
    if subject_ids is not None:
        rows = rows.filter(subject_id__in=subject_ids)
    worst = {}
    for subject_id, grade, name in rows.values_list("subject_id", "grade", "name").iterator():
        if subject_id not in worst or grade_rank(grade) < grade_rank(worst[subject_id][0]):
            worst[subject_id] = (grade, name)
    return worst


def _grade_one(subject, worst_event, fired):
    if worst_event:
        grade, event_name = worst_event
        reasons = [{"code": "assessed", "grade": grade, "event": event_name}]
    else:
        grade = subject.risk_grade
        reasons = [{"code": "recorded", "grade": grade}]
    dynamic = grade
    for code, (rule, counts) in fired.items():
        count = counts.get(subject.id)
        if not count or rule == RiskPolicy.Raise.NONE:
            continue
        raised = raise_grade(grade, rule)
        reasons.append({"code": code, "count": count, "rule": rule, "grade": raised})
        if grade_rank(raised) < grade_rank(dynamic):
            dynamic = raised
    return grade, dynamic, reasons


def raise_grade(grade, rule):
    """One level up (an ungraded subject counts as blue) or straight to red."""
    if rule == RiskPolicy.Raise.RED:
        return RiskGrade.RED.value
    rank = min(grade_rank(grade), len(GRADE_ORDER) - 1)
    return GRADE_ORDER[max(rank - 1, 0)].value


def describe(reason):
    """One reason in words, in the active language."""
    grade = GRADE_LABELS.get(reason.get("grade"), _("未定级"))
    code = reason.get("code")
    if code == "assessed":
        return _("风险评价：最高在管风险事件“%(event)s”为%(grade)s") % {
            "event": reason["event"],
            "grade": grade,
        }
    if code == "recorded":
        return _("登记等级：%(grade)s（尚无风险评价）") % {"grade": grade}
    rule = dict(RiskPolicy.Raise.choices).get(reason.get("rule"), "")
    what = {
        "major_hazard": _("存在未销号重大隐患 %(n)s 项"),
        "overdue_hazard": _("存在逾期未整改隐患 %(n)s 项"),
        "accident": _("近一年发生生产安全事故 %(n)s 起"),
    }.get(code, code + " %(n)s")
    return _("%(what)s，按规则%(rule)s，为%(grade)s") % {
        "what": what % {"n": reason.get("count")},
        "rule": rule,
        "grade": grade,
    }


def _count_by_subject(queryset, subject_ids):
    if subject_ids is not None:
        queryset = queryset.filter(subject_id__in=subject_ids)
    # Grouped by `subject_id + 0`, not the column: grouping by the column lets SQLite walk the whole
    # (subject, found_at) index to skip the sort, one random table read per hazard (2.3 s for a
    # million); the expression leaves it the status indexes and a small sort (0.2 s).
    grouped = queryset.order_by().values(sid=F("subject_id") + 0).annotate(n=Count("id"))
    return dict(grouped.values_list("sid", "n"))
