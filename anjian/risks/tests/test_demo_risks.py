"""The demo's risk registers: built on a small demo, graded by real assessments, every chosen town with
red and orange risks, measures of all five kinds linked to checklist items, and idempotent."""

from collections import Counter

import pytest

from anjian.checklists.library import load_library
from anjian.demo import subjects as subject_gen
from anjian.demo.risks import FORCED, PER_TOWN, SECTORS, build_risk_registers
from anjian.registry.models import Subject
from anjian.risks import manual as mn
from anjian.risks.methods import assess
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskEvent, RiskUnit


@pytest.fixture
def demo(world):
    load_library()
    subject_gen.insert_subjects(400)
    return world


def test_builds_graded_registers_and_is_idempotent(demo):
    messages = []
    counts = build_risk_registers(progress=messages.append)
    assert counts["events"] > 50 and counts["measures"] > counts["events"] * 4
    assert messages and "风险事件" in messages[0]
    units = RiskUnit.objects.filter(is_synthetic=True)
    subjects = Subject.objects.filter(pk__in=units.values("subject_id"))
    assert set(subjects.values_list("sector_id", flat=True)) <= set(SECTORS)
    assert all(
        subjects.filter(town=town).count() <= PER_TOWN for town in subjects.values_list("town", flat=True)
    )

    # Each event's grade is what its stored assessment earns under the stored bands.
    for event in RiskEvent.objects.filter(is_synthetic=True).prefetch_related("assessments"):
        (assessment,) = event.assessments.all()
        again = assess(
            assessment.method, assessment.bands, assessment.l_value, assessment.c_value, assessment.e_value
        )
        assert event.grade == assessment.grade == again.grade and event.subject_id == event.unit.subject_id

    grades = Counter(RiskEvent.objects.filter(is_synthetic=True).values_list("grade", flat=True))
    assert grades["red"] and grades["orange"]
    assert grades["yellow"] + grades["blue"] > grades["red"] + grades["orange"]

    # Every town whose register holds at least as many subjects as FORCED has a red and an orange risk.
    per_town = Counter(subjects.values_list("town_id", flat=True))
    for town_id, n in per_town.items():
        if n >= len(FORCED):
            town_grades = set(
                RiskEvent.objects.filter(subject__town_id=town_id).values_list("grade", flat=True)
            )
            assert {"red", "orange"} <= town_grades, town_id

    # All five kinds of measure, with levels and people; some are checked by a checklist item.
    measures = ControlMeasure.objects.filter(is_synthetic=True)
    assert set(measures.values_list("kind", flat=True)) == set(ControlMeasure.Kind.values)
    assert not measures.filter(responsible_person="").exists()
    linked = measures.exclude(checklist_item=None).select_related("checklist_item__version__checklist")
    assert linked.exists()
    assert all(m.checklist_item.version.status == "published" for m in linked)
    assert all(m.subject_id == m.event.subject_id for m in measures.select_related("event"))

    # Subjects were re-graded from their events.
    red_subject = RiskEvent.objects.filter(is_synthetic=True, grade="red").first().subject
    red_subject.refresh_from_db()
    assert red_subject.risk_grade == "red"

    before = (RiskUnit.objects.count(), RiskEvent.objects.count(), RiskAssessment.objects.count())
    assert build_risk_registers(progress=messages.append) == {"units": 0, "events": 0, "measures": 0}
    assert (RiskUnit.objects.count(), RiskEvent.objects.count(), RiskAssessment.objects.count()) == before


def test_a_demo_town_manual_has_pages(demo):
    build_risk_registers(progress=lambda _m: None)
    city = demo.users["city"]
    towns, _units = mn.owners_for(city, with_counts=True)
    busiest = max(towns, key=lambda t: t.red + t.orange)
    manual = mn.build_manual(city, busiest)
    assert manual.red and manual.orange and manual.subjects
    assert all(e.kinds for s in manual.subjects for e in s.events)
