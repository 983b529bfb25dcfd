"""Re-grades are explicit and batched (ADR 0004): a hazard report re-grades its subject once (it used
to twice, from two saves), and an inspection that finishes with several failed items re-grades its
subject once, after every hazard is in, so the grade counts them all."""

import pytest
from django.test import override_settings

from anjian.hazards import services as hazard_services
from anjian.inspections import services_conduct as services
from anjian.registry import grades
from anjian.risks.grading import regrade_subjects
from anjian.testing import make_checklist

from .conduct_helpers import answer_all, make_inspection, sign_all

pytestmark = pytest.mark.django_db

CALLS = []


def recording_grader(subject_ids, *, actor):
    """The real grader, noting each call (settings.ANJIAN_SUBJECT_GRADER names it in these tests)."""
    CALLS.append((frozenset(subject_ids), actor))
    return regrade_subjects(subject_ids, actor=actor)


@pytest.fixture
def calls():
    CALLS.clear()
    with override_settings(ANJIAN_SUBJECT_GRADER=f"{__name__}.recording_grader"):
        yield CALLS
    CALLS.clear()


def test_a_report_regrades_its_subject_once(world, calls):
    actor = world.users["town_a"]
    subject = world.subjects["ent_a"]
    hazard_services.report_hazard(actor, subject.pk, "未设置安全警示标志", level="major")
    assert calls == [(frozenset({subject.pk}), actor)]
    subject.refresh_from_db()
    assert subject.dynamic_grade == "red"  # default rule: an open major hazard makes it red


def test_a_finished_inspection_regrades_its_subject_once_with_every_hazard_counted(world, calls):
    actor = world.users["inspector"]
    inspection = make_inspection(world, make_checklist("once", items=4, major_items=(2,)))
    answer_all(services, actor, inspection, fail=("T-1", "T-2", "T-3"))
    sign_all(services, actor, inspection)
    calls.clear()
    hazards = services.finish(actor, inspection, contact_name="赵敏")
    assert len(hazards) == 3
    assert calls == [(frozenset({inspection.subject_id}), actor)]
    subject = inspection.subject
    subject.refresh_from_db()
    assert subject.dynamic_grade == "red"
    assert {r["code"] for r in subject.grade_reasons} >= {"major_hazard"}


def test_a_batch_that_fails_regrades_nothing(world, calls):
    actor = world.users["town_a"]
    subject = world.subjects["ent_a"]
    with pytest.raises(RuntimeError), grades.batch(actor):
        grades.regrade([subject.pk], actor=actor)
        raise RuntimeError("rolled back")
    assert calls == []


def test_a_batch_inside_a_batch_joins_it(world, calls):
    actor = world.users["town_a"]
    a, b = world.subjects["ent_a"], world.subjects["ent_b"]
    with grades.batch(actor):
        grades.regrade([a.pk], actor=actor)
        with grades.batch(actor):
            grades.regrade([b.pk, a.pk], actor=actor)
        assert calls == []
    assert calls == [(frozenset({a.pk, b.pk}), actor)]
