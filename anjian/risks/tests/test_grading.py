"""Subject grades: assessed from the risk events, raised by hazards under the policy's rules, with
reasons; hazards are reported and moved through the hazard services, so the re-grade each service
asks for is exercised as in production."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Level
from anjian.registry.models import Subject
from anjian.risks import grading
from anjian.risks.grading import describe, raise_grade, regrade_subjects
from anjian.risks.methods import assess
from anjian.risks.models import RiskAssessment, RiskEvent, RiskPolicy, RiskUnit, default_bands
from anjian.risks.services_policy import update_policy

JOB = system_actor("test")

pytestmark = pytest.mark.django_db

# LEC inputs for each grade under the default bands (D = 360, 252, 150, 63).
LEC_FOR = {"red": (3, 3, 40), "orange": (6, 6, 7), "yellow": (10, 1, 15), "blue": (3, 3, 7)}


@pytest.fixture
def world(world):
    """The world with every subject graded once, so counts below are of the test's own changes."""
    regrade_subjects(actor=JOB)
    return world


def add_event(subject, grade=None, *, name=None, active=True, lec=None, at=None):
    """A unit with one event assessed by LEC (inputs giving `grade` unless `lec` is given), graded as
    the register would grade it; the subject is not re-graded here."""
    unit = RiskUnit.objects.create(subject=subject, name=f"{subject.name}单元")
    event = RiskEvent.objects.create(
        unit=unit, name=name or f"{grade}事件", accident_type="fire", is_active=active
    )
    assess_event(event, *(lec or LEC_FOR[grade]), at=at)
    return event


def assess_event(event, l_value, e_value, c_value, at=None):
    bands = RiskPolicy.current().bands
    result = assess("lec", bands, l_value, c_value, e_value=e_value)
    assessment = RiskAssessment.objects.create(
        event=event,
        method="lec",
        l_value=l_value,
        e_value=e_value,
        c_value=c_value,
        score=result.score,
        grade=result.grade,
        bands=bands,
        explanation=result.explanation,
        assessed_at=at or timezone.now(),
    )
    audit.update(RiskEvent.objects.filter(pk=event.pk), grade=result.grade)
    return assessment


def fresh(subject):
    return Subject.objects.get(pk=subject.pk)


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def report(world, level=Level.GENERAL, subject="ent_a"):
    return hazard_services.report_hazard(
        world.users["inspector"], world.subjects[subject].pk, "配电箱未接地", level=level
    )


def assign(world, hazard, days=7, who="inspector"):
    plan = "停用设备，限期整改" if hazard.level == Level.MAJOR else None
    return hazard_services.transition(
        world.users[who],
        hazard.pk,
        "assign",
        deadline=in_days(days),
        responsible_person="赵敏",
        rectification_plan=plan,
    )


def close(world, hazard, verifier="inspector"):
    enterprise = world.users["enterprise"]
    hazard_services.transition(enterprise, hazard.pk, "accept")
    hazard_services.transition(enterprise, hazard.pk, "submit", comment="已整改")
    hazard_services.transition(world.users[verifier], hazard.pk, "verify", comment="复查合格")
    return hazard_services.transition(world.users[verifier], hazard.pk, "close")


def set_rules(world, **rules):
    policy = RiskPolicy.current()
    current = {name: getattr(policy, name) for name in ("open_major_hazard", "overdue_hazard", "accident")}
    return update_policy(world.users["city"], policy.bands, **(current | rules))


# --- the assessed grade --------------------------------------------------------------------------


def test_subject_grade_is_its_most_severe_active_event(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "yellow", name="仓库火灾")
    add_event(ent_a, "orange", name="粉尘爆炸")
    add_event(ent_a, "blue", name="机械伤害")
    assert regrade_subjects([ent_a.pk], actor=JOB) == 1
    subject = fresh(ent_a)
    assert (subject.risk_grade, subject.dynamic_grade) == ("orange", "orange")
    assert subject.grade_reasons == [{"code": "assessed", "grade": "orange", "event": "粉尘爆炸"}]
    assert describe(subject.grade_reasons[0]) == "风险评价：最高在管风险事件“粉尘爆炸”为较大风险（橙）"


def test_an_inactive_event_is_ignored_however_severe(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "red", name="已拆除的储罐", active=False)
    add_event(ent_a, "yellow", name="叉车伤害")
    regrade_subjects([ent_a.pk], actor=JOB)
    assert fresh(ent_a).risk_grade == "yellow"
    audit.update(RiskEvent.objects.filter(name="已拆除的储罐"), is_active=True)
    regrade_subjects([ent_a.pk], actor=JOB)
    assert fresh(ent_a).risk_grade == "red"


def test_a_subject_without_events_keeps_its_recorded_grade(world):
    ent_b = world.subjects["ent_b"]
    audit.update(Subject.objects.filter(pk=ent_b.pk), risk_grade="orange")
    regrade_subjects([ent_b.pk], actor=JOB)
    subject = fresh(ent_b)
    assert (subject.risk_grade, subject.dynamic_grade) == ("orange", "orange")
    assert subject.grade_reasons == [{"code": "recorded", "grade": "orange"}]
    assert describe(subject.grade_reasons[0]) == "登记等级：较大风险（橙）（尚无风险评价）"


def test_an_ungraded_event_does_not_count(world):
    ent_a = world.subjects["ent_a"]
    audit.update(Subject.objects.filter(pk=ent_a.pk), risk_grade="blue")
    unit = RiskUnit.objects.create(subject=ent_a, name="新单元")
    RiskEvent.objects.create(unit=unit, name="尚未评价", accident_type="fall")
    regrade_subjects([ent_a.pk], actor=JOB)
    assert fresh(ent_a).grade_reasons == [{"code": "recorded", "grade": "blue"}]


def test_regrade_counts_changes_and_a_second_run_changes_nothing(world):
    for key, grade in (("ent_a", "red"), ("ent_b", "yellow")):
        add_event(world.subjects[key], grade)
    assert regrade_subjects(actor=JOB) == 2  # ent_a and ent_b take their events' grades; ent_c stays
    assert regrade_subjects(actor=JOB) == 0
    assert regrade_subjects([world.subjects["ent_a"].pk], actor=JOB) == 0
    assert regrade_subjects([], actor=JOB) == 0


# --- dynamic grade: open major hazards -----------------------------------------------------------


def test_open_major_hazard_makes_the_dynamic_grade_red_at_once(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "yellow", name="仓库火灾")
    regrade_subjects([ent_a.pk], actor=JOB)
    hazard = report(world, Level.MAJOR)  # the hazard's post_save re-grades the subject: no call here
    subject = fresh(ent_a)
    assert (subject.risk_grade, subject.dynamic_grade) == ("yellow", "red")
    reason = subject.grade_reasons[1]
    assert reason == {"code": "major_hazard", "count": 1, "rule": "red", "grade": "red"}
    assert describe(reason) == "存在未销号重大隐患 1 项，按规则直接定为重大风险（红），为重大风险（红）"
    # Closing it (through its whole loop; the unit verifies a major hazard) lowers the grade again.
    assign(world, hazard)
    close(world, hazard, verifier="dept")
    subject = fresh(ent_a)
    assert (subject.risk_grade, subject.dynamic_grade) == ("yellow", "yellow")
    assert [r["code"] for r in subject.grade_reasons] == ["assessed"]


def test_a_general_hazard_raises_nothing(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "blue")
    report(world, Level.GENERAL)
    subject = fresh(ent_a)
    assert subject.dynamic_grade == "blue" and len(subject.grade_reasons) == 1


def test_rule_one_level_up_and_rule_none(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "yellow")
    report(world, Level.MAJOR)
    assert set_rules(world, open_major_hazard="one") == 1
    subject = fresh(ent_a)
    assert subject.dynamic_grade == "orange"
    assert subject.grade_reasons[1] == {"code": "major_hazard", "count": 1, "rule": "one", "grade": "orange"}
    assert describe(subject.grade_reasons[1]) == "存在未销号重大隐患 1 项，按规则上调一级，为较大风险（橙）"
    assert set_rules(world, open_major_hazard="none") == 1
    subject = fresh(ent_a)
    assert subject.dynamic_grade == "yellow"
    assert [r["code"] for r in subject.grade_reasons] == ["assessed"]


@pytest.mark.parametrize(
    ("grade", "rule", "raised"),
    [
        ("blue", "one", "yellow"),
        ("yellow", "one", "orange"),
        ("orange", "one", "red"),
        ("red", "one", "red"),
        ("", "one", "yellow"),  # ungraded counts as blue
        ("blue", "red", "red"),
        ("", "red", "red"),
    ],
)
def test_raise_grade(grade, rule, raised):
    assert raise_grade(grade, rule) == raised


# --- dynamic grade: overdue hazards --------------------------------------------------------------


def test_overdue_hazard_raises_by_the_calendar_and_handing_it_in_lowers_it(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "blue", name="机械伤害")
    hazard = report(world)
    assign(world, hazard, days=2)
    hazard_services.transition(world.users["enterprise"], hazard.pk, "accept")
    assert fresh(ent_a).dynamic_grade == "blue"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        # Nothing was saved: only the daily run sees the deadline pass.
        assert fresh(ent_a).dynamic_grade == "blue"
        assert regrade_subjects(actor=JOB) == 1
        subject = fresh(ent_a)
        assert subject.dynamic_grade == "yellow"
        reason = subject.grade_reasons[1]
        assert reason == {"code": "overdue_hazard", "count": 1, "rule": "one", "grade": "yellow"}
        assert describe(reason) == "存在逾期未整改隐患 1 项，按规则上调一级，为一般风险（黄）"
        # Handing the rectification in stops the clock: the signal re-grades at once.
        hazard_services.transition(world.users["enterprise"], hazard.pk, "submit", comment="已整改")
        assert fresh(ent_a).dynamic_grade == "blue"


def test_overdue_on_a_given_day_without_travelling(world):
    ent_a = world.subjects["ent_a"]
    hazard = report(world)
    assign(world, hazard, days=1)
    assert fresh(ent_a).risk_grade == ""
    assert (
        regrade_subjects([ent_a.pk], today=in_days(1), actor=JOB) == 0
    )  # the deadline itself is not overdue
    assert fresh(ent_a).dynamic_grade == ""
    assert regrade_subjects([ent_a.pk], today=in_days(2), actor=JOB) == 1
    subject = fresh(ent_a)
    assert (subject.risk_grade, subject.dynamic_grade) == ("", "yellow")
    assert describe(subject.grade_reasons[0]) == "登记等级：未定级（尚无风险评价）"


def test_signals_do_not_add_up_the_most_severe_wins(world):
    ent_a = world.subjects["ent_a"]
    add_event(ent_a, "blue")
    report(world, Level.MAJOR)
    overdue = report(world)
    assign(world, overdue, days=1)
    set_rules(world, open_major_hazard="one", overdue_hazard="one")
    regrade_subjects([ent_a.pk], today=in_days(5), actor=JOB)
    subject = fresh(ent_a)
    # Two signals, each one up from blue: yellow, not orange.
    assert subject.dynamic_grade == "yellow"
    assert [r["code"] for r in subject.grade_reasons] == ["assessed", "major_hazard", "overdue_hazard"]
    set_rules(world, overdue_hazard="red")
    regrade_subjects([ent_a.pk], today=in_days(5), actor=JOB)
    assert fresh(ent_a).dynamic_grade == "red"


def test_a_signal_follows_its_rule(world, monkeypatch):
    ent_b = world.subjects["ent_b"]
    add_event(ent_b, "yellow")

    def accidents(subject_ids, today):
        return {ent_b.pk: 2}

    monkeypatch.setattr(grading, "SIGNALS", [*grading.SIGNALS, ("accident", "accident", accidents)])
    regrade_subjects(actor=JOB)
    subject = fresh(ent_b)
    assert subject.dynamic_grade == "orange"
    assert (
        describe(subject.grade_reasons[1]) == "近一年发生生产安全事故 2 起，按规则上调一级，为较大风险（橙）"
    )
    assert fresh(world.subjects["ent_a"]).dynamic_grade == fresh(world.subjects["ent_a"]).risk_grade


# --- re-banding ----------------------------------------------------------------------------------


def test_new_bands_regrade_events_from_their_latest_assessment_only(world):
    ent_a = world.subjects["ent_a"]
    event = add_event(
        ent_a, name="反应釜超压", lec=(6, 6, 7), at=timezone.now() - datetime.timedelta(days=30)
    )
    first = event.assessments.get()
    latest = assess_event(event, 10, 6, 3)  # D = 180, orange under the defaults
    regrade_subjects([ent_a.pk], actor=JOB)
    assert fresh(ent_a).risk_grade == "orange"
    bands = default_bands()
    bands["lec"]["bands"][1][0] = 200  # orange from D > 200: 180 falls to yellow, the older 252 would not
    changed = update_policy(world.users["city"], bands, "red", "one", "one")
    assert changed == 1
    assert RiskEvent.objects.get(pk=event.pk).grade == "yellow"
    assert fresh(ent_a).risk_grade == "yellow"
    # The assessments are snapshots: their grades and the bands they used stay as they were.
    for assessment, grade in ((first, "orange"), (latest, "orange")):
        stored = RiskAssessment.objects.get(pk=assessment.pk)
        assert stored.grade == grade and stored.bands == default_bands()
        assert "160<D≤320" in stored.explanation
    assert RiskAssessment.objects.get(pk=latest.pk).score == Decimal("180")


def test_an_event_with_no_assessment_has_no_grade_after_regrading(world):
    ent_a = world.subjects["ent_a"]
    unit = RiskUnit.objects.create(subject=ent_a, name="单元")
    event = RiskEvent.objects.create(unit=unit, name="无评价", accident_type="fire")
    audit.update(RiskEvent.objects.filter(pk=event.pk), grade="red")  # a stale grade from nowhere
    regrade_subjects([ent_a.pk], actor=JOB)
    assert RiskEvent.objects.get(pk=event.pk).grade == ""


def test_regrading_one_subject_leaves_the_others_alone(world):
    ent_a, ent_b = world.subjects["ent_a"], world.subjects["ent_b"]
    add_event(ent_a, "red")
    add_event(ent_b, "red")
    regrade_subjects([ent_a.pk], actor=JOB)
    assert fresh(ent_a).risk_grade == "red"
    assert fresh(ent_b).risk_grade == "" and fresh(ent_b).grade_reasons == [{"code": "recorded", "grade": ""}]


def test_describe_unknown_signal_code():
    reason = {"code": "alarm", "count": 3, "rule": "one", "grade": "orange"}
    assert describe(reason) == "alarm 3，按规则上调一级，为较大风险（橙）"
