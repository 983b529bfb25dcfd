"""Time re-grading every subject after the office changes a band: the application's path
(`services_policy.update_policy`, which saves the policy, runs `grading.regrade_subjects()` over all
subjects and logs one bulk entry) against the same re-grading written by hand in SQL.

One line, in the format of the others:

    risk_regrade_all ratio 1.52 (app 910.0 ms, raw 600.3 ms)

The data set gets a risk register once (deterministic, marked synthetic): every 4th subject has a
unit with two risk events, LEC and LS alternately, every 3rd event assessed twice (an older and a
latest assessment, so "latest" matters). Each timed call flips the LEC red threshold between 320 and
250 (D = 252, 270 and 300 change colour), so every call, app or raw, does the same real work.

The raw SQL, three statements in one transaction: each event's grade from its latest assessment
(CASE over the bands); each subject's grade, the most severe of its active graded events (subjects
with none keep theirs); the dynamic grade from that and the counts of open major and overdue
hazards under the raise rules. It writes only rows whose value changes, as the application does.
The application also writes each subject's reasons (`grade_reasons`); the raw SQL does not, so it
does a little less. Before timing, both are run from each other's results and their grades compared
(`mismatches` in the results; stderr names the count); the test requires none.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards.models import OPEN_STATES, RUNNING_STATES, Level
from anjian.registry.models import Subject
from anjian.risks import methods
from anjian.risks.grading import SIGNALS
from anjian.risks.models import GRADE_ORDER, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit, default_bands
from anjian.risks.services_policy import update_policy

NAME = "risk_regrade_all"
EVERY = 4  # every 4th subject has a register
EVENTS = 2  # events per registered subject
TWICE = 3  # every 3rd event assessed twice
UNIT_NAME = "bench 风险分析单元"
SEED = 20235
RED_THRESHOLDS = (320, 250)
OFFICE = "bench_city"


# --- the register --------------------------------------------------------------------------------


def ensure_register():
    """Create the bench register unless it is there; return the number of events."""
    existing = RiskEvent.objects.filter(unit__name=UNIT_NAME, is_synthetic=True).count()
    if existing:
        return existing
    rng = random.Random(SEED)
    bands = default_bands()
    subject_ids = list(Subject.objects.order_by("id").values_list("id", flat=True))[::EVERY]
    now = timezone.now()
    summary = {"synthetic": True}
    with audit.bulk_load("bench risk register", actor=system_actor("bench"), summary=summary):
        units = RiskUnit.objects.bulk_create(
            [RiskUnit(subject_id=sid, name=UNIT_NAME, is_synthetic=True) for sid in subject_ids],
            batch_size=5000,
        )
        plans = [(unit, n, _inputs(rng, n)) for unit in units for n in range(EVENTS)]
        events = RiskEvent.objects.bulk_create(
            [
                RiskEvent(
                    unit=unit,
                    subject_id=unit.subject_id,
                    name=f"bench 风险事件{n + 1}",
                    accident_type="fire" if n % 2 == 0 else "poisoning",
                    grade=_assess(inputs[-1], bands).grade,
                    is_synthetic=True,
                )
                for unit, n, inputs in plans
            ],
            batch_size=5000,
        )
        assessments = []
        for index, (event, (_unit, _n, inputs)) in enumerate(zip(events, plans, strict=True)):
            history = inputs if index % TWICE == 0 else inputs[-1:]
            for age, values in zip((60, 1)[-len(history) :], history, strict=True):
                assessments.append(_assessment(event, values, bands, now - datetime.timedelta(days=age)))
        RiskAssessment.objects.bulk_create(assessments, batch_size=5000)
        summary.update(units=len(units), events=len(events), assessments=len(assessments))
    return len(events)


def _inputs(rng, n):
    """An older and a latest set of inputs for one event: LEC for the first event, LS for the second."""
    if n % 2 == 0:
        table = (methods.LEC_L, methods.LEC_E, methods.LEC_C)
        pick = [("lec", *(rng.choice(t)[0] for t in table)) for _ in range(2)]
    else:
        pick = [("ls", rng.choice(methods.LS_L)[0], None, rng.choice(methods.LS_S)[0]) for _ in range(2)]
    return pick


def _assess(values, bands):
    method, l_value, e_value, c_value = values
    return methods.assess(method, bands, l_value, c_value, e_value=e_value)


def _assessment(event, values, bands, at):
    result = _assess(values, bands)
    method, l_value, e_value, c_value = values
    return RiskAssessment(
        event=event,
        method=method,
        l_value=l_value,
        e_value=e_value,
        c_value=c_value,
        score=result.score,
        grade=result.grade,
        bands=bands,
        explanation=result.explanation,
        assessed_at=at,
    )


# --- the two paths -------------------------------------------------------------------------------


def bands_with_red(threshold):
    bands = default_bands()
    bands["lec"]["bands"][0][0] = threshold
    return bands


def app_regrade(office, bands):
    policy = RiskPolicy.current()
    return update_policy(office, bands, policy.open_major_hazard, policy.overdue_hazard, policy.accident)


def _rank_sql(column):
    whens = " ".join(f"WHEN '{grade}' THEN {rank}" for rank, grade in enumerate(GRADE_ORDER))
    return f"CASE {column} {whens} ELSE {len(GRADE_ORDER)} END"


def _grade_sql(rank):
    whens = " ".join(f"WHEN {rank_} THEN '{grade}'" for rank_, grade in enumerate(GRADE_ORDER))
    return f"CASE {rank} {whens} ELSE '' END"


def _band_case(method, bands, params):
    rule = bands[method]
    sign = ">" if rule["compare"] == "gt" else ">="
    whens = []
    for threshold, grade in rule["bands"]:
        whens.append(f"WHEN a.score {sign} %s THEN '{grade}'")
        params.append(float(threshold))
    return f"CASE {' '.join(whens)} ELSE 'blue' END"


def _raised_sql(rule, rank):
    """The rank a raise rule gives (0 red … 3 blue, 4 ungraded counting as blue)."""
    if rule == RiskPolicy.Raise.RED:
        return "0"
    return f"CASE WHEN {rank} <= 1 THEN 0 WHEN {rank} >= 3 THEN 2 ELSE {rank} - 1 END"


def raw_regrade(bands, policy, today=None):
    """The re-grading in three UPDATE statements."""
    today = today or timezone.localdate()
    params = []
    lec, ls = _band_case("lec", bands, params), _band_case("ls", bands, params)
    events_sql = (
        "UPDATE risks_riskevent SET grade = g.grade FROM (SELECT e.id, COALESCE((SELECT CASE a.method"
        f" WHEN 'lec' THEN {lec} WHEN 'ls' THEN {ls} END FROM risks_riskassessment a"
        " WHERE a.event_id = e.id ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1), '') AS grade"
        " FROM risks_riskevent e) g WHERE g.id = risks_riskevent.id AND risks_riskevent.grade <> g.grade"
    )
    subjects_sql = (
        f"UPDATE registry_subject SET risk_grade = w.grade FROM (SELECT subject_id,"
        f" {_grade_sql('MIN(' + _rank_sql('grade') + ')')} AS grade FROM risks_riskevent"
        " WHERE is_active AND grade <> '' GROUP BY subject_id) w"
        " WHERE w.subject_id = registry_subject.id AND registry_subject.risk_grade <> w.grade"
    )
    rank = _rank_sql("s.risk_grade")
    candidates, dynamic_params = [rank], []
    open_marks = ", ".join(["%s"] * len(OPEN_STATES))
    running_marks = ", ".join(["%s"] * len(RUNNING_STATES))
    # Which subjects each signal touches: `s.id IN (…)` is evaluated once into an indexed temporary
    # table (a LEFT JOIN to grouped counts made SQLite scan the counts once per subject).
    touched = {
        "major_hazard": (
            f"SELECT subject_id FROM hazards_hazard WHERE level = %s AND status IN ({open_marks})",
            [Level.MAJOR, *OPEN_STATES],
        ),
        "overdue_hazard": (
            f"SELECT subject_id FROM hazards_hazard WHERE status IN ({running_marks}) AND deadline < %s",
            [*RUNNING_STATES, today],
        ),
    }
    for code, field, _fn in SIGNALS:
        rule = getattr(policy, field)
        if rule == RiskPolicy.Raise.NONE or code not in touched:
            continue
        sql, sql_params = touched[code]
        dynamic_params += sql_params
        candidates.append(f"CASE WHEN s.id IN ({sql}) THEN {_raised_sql(rule, rank)} ELSE 4 END")
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    best = f"{least}({', '.join(candidates)})" if len(candidates) > 1 else candidates[0]
    dynamic_sql = (
        f"UPDATE registry_subject SET dynamic_grade = x.dyn FROM (SELECT s.id, {_grade_sql(best)} AS dyn"
        " FROM registry_subject s) x"
        " WHERE x.id = registry_subject.id AND registry_subject.dynamic_grade <> x.dyn"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(events_sql, params)
        cursor.execute(subjects_sql)
        cursor.execute(dynamic_sql, dynamic_params)


# --- the comparison and the run ------------------------------------------------------------------


def grades():
    subjects = dict(
        (sid, (grade, dynamic))
        for sid, grade, dynamic in Subject.objects.values_list("id", "risk_grade", "dynamic_grade")
    )
    events = dict(RiskEvent.objects.values_list("id", "grade"))
    return subjects, events


def mismatches(left, right):
    return sum(
        1
        for mine, theirs in zip(left, right, strict=True)
        for key in mine.keys() | theirs.keys()
        if mine.get(key) != theirs.get(key)
    )


def compare(office):
    """Run each path from the other's result under both band sets; the number of subjects and
    events whose grades differ."""
    first, second = (bands_with_red(t) for t in RED_THRESHOLDS)
    app_regrade(office, second)
    app_second = grades()
    raw_regrade(first, RiskPolicy.current())
    raw_first = grades()
    app_regrade(office, first)
    app_first = grades()
    raw_regrade(second, RiskPolicy.current())
    raw_second = grades()
    app_regrade(office, first)  # leave the data set under the first (default) bands
    return mismatches(app_first, raw_first) + mismatches(app_second, raw_second)


class Flipper:
    """Each call moves the grades to the other band set, whichever path makes it."""

    def __init__(self, office):
        self.office, self.index = office, 0

    def next_bands(self):
        self.index = 1 - self.index
        return bands_with_red(RED_THRESHOLDS[self.index])

    def app(self):
        return app_regrade(self.office, self.next_bands())

    def raw(self):
        return raw_regrade(self.next_bands(), RiskPolicy.current())


def run(repeat, out=print, only=""):
    """Time the application's re-grading against the raw SQL; print one line; return {name: {...}}."""
    from .timing import format_line, log, median_pair

    if only not in NAME:
        return {}
    events = ensure_register()
    office = get_user_model().objects.get(username=OFFICE)
    wrong = compare(office)
    flipper = Flipper(office)
    changed = flipper.app()
    log(f"{NAME}: {Subject.objects.count():,} subjects, {events:,} risk events; {changed:,} subjects change")
    log(f"{NAME}: {wrong} grades differ between the application and the raw SQL")
    app_ms, raw_ms = median_pair(flipper.app, flipper.raw, repeat)
    app_regrade(office, bands_with_red(RED_THRESHOLDS[0]))
    out(format_line(NAME, app_ms, raw_ms))
    return {NAME: {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms, "mismatches": wrong}}
