"""An accident raises its subject's dynamic risk grade by the policy's `accident` rule."""

import datetime

from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.accidents.risk_signal import accident_counts
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.registry.models import RiskGrade, Subject
from anjian.risks.grading import SIGNALS, regrade_subjects
from anjian.risks.models import RiskPolicy

from .helpers import days_ago, record

JOB = system_actor("test")


def test_the_accident_signal_is_listed_once():
    assert [code for code, _rule, _fn in SIGNALS].count("accident") == 1
    assert ("accident", "accident") in [(code, rule) for code, rule, _fn in SIGNALS]


def test_accident_raises_the_dynamic_grade_by_the_rule(world):
    subject = world.subjects["ent_a"]
    audit.update(Subject.objects.filter(pk=subject.pk), risk_grade=RiskGrade.YELLOW)
    regrade_subjects([subject.pk], actor=JOB)
    subject.refresh_from_db()
    assert subject.dynamic_grade == RiskGrade.YELLOW
    record(world.users["town_a"], subject)  # the service re-grades at once
    subject.refresh_from_db()
    assert subject.dynamic_grade == RiskGrade.ORANGE  # default rule: one level up
    assert {"code": "accident", "count": 1, "rule": "one", "grade": "orange"} in subject.grade_reasons
    policy = RiskPolicy.current()
    policy.accident = RiskPolicy.Raise.RED
    policy.save()
    regrade_subjects([subject.pk], actor=JOB)
    subject.refresh_from_db()
    assert subject.dynamic_grade == RiskGrade.RED
    policy.accident = RiskPolicy.Raise.NONE
    policy.save()
    regrade_subjects([subject.pk], actor=JOB)
    subject.refresh_from_db()
    assert subject.dynamic_grade == RiskGrade.YELLOW


def test_only_the_past_365_days_count(world):
    subject = world.subjects["ent_a"]
    today = timezone.localdate()
    record(world.users["city"], subject, occurred_at=days_ago(365))
    record(world.users["city"], subject, occurred_at=days_ago(366))
    record(world.users["city"], subject, occurred_at=days_ago(0, hour=0))
    assert accident_counts([subject.pk], today) == {subject.pk: 2}
    assert accident_counts(None, today) == {subject.pk: 2}
    assert accident_counts([world.subjects["ent_b"].pk], today) == {}
    # A year later only what is left in the window counts.
    assert accident_counts([subject.pk], today + datetime.timedelta(days=365)) == {subject.pk: 1}
    assert Accident.objects.count() == 3
