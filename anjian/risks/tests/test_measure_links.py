"""A failed check of a measure's checklist item marks the measure failed until the hazard is closed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.hazards import services as hazard_services
from anjian.inspections import services_conduct
from anjian.inspections.tests.conduct_helpers import answer_all, make_inspection, sign_all
from anjian.risks import services_register as sr
from anjian.risks.models import ControlMeasure
from anjian.testing import make_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return make_checklist("ammonia-links", items=3, major_items=())


@pytest.fixture
def register(world, version):
    actor = world.users["enterprise"]
    unit = sr.create_unit(actor, world.subjects["ent_a"], name="液氨储罐区")
    event = sr.create_event(actor, unit, name="液氨泄漏中毒", accident_type="poisoning")
    sr.assess(actor, event, "ls", 3, 4)
    event.refresh_from_db()
    alarm = sr.create_measure(
        actor, event, kind="engineering", text="氨气泄漏报警仪", checklist_item=version.items.get(key="T-1")
    )
    drill = sr.create_measure(
        actor,
        event,
        kind="emergency",
        text="每半年开展泄漏处置演练",
        checklist_item=version.items.get(key="T-2"),
    )
    plain = sr.create_measure(actor, event, kind="management", text="每班巡检两次")
    return event, alarm, drill, plain


def finish_inspection(world, version, fail, subject="ent_a"):
    inspection = make_inspection(world, version, subject=subject)
    actor = world.users["inspector"]
    answer_all(services_conduct, actor, inspection, fail=fail)
    sign_all(services_conduct, actor, inspection)
    return services_conduct.finish(actor, inspection, contact_name="赵敏")


def close(world, hazard):
    inspector, enterprise = world.users["inspector"], world.users["enterprise"]
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    hazard_services.transition(inspector, hazard.pk, "assign", deadline=deadline, responsible_person="赵敏")
    hazard_services.transition(enterprise, hazard.pk, "accept")
    hazard_services.transition(enterprise, hazard.pk, "submit", comment="已更换报警仪")
    hazard_services.transition(inspector, hazard.pk, "verify", comment="复查合格")
    return hazard_services.transition(inspector, hazard.pk, "close")


def statuses(event):
    measures = sr.measures_with_status(ControlMeasure.objects.filter(event=event))
    return {m.text: (m.status, m.open_hazard_count) for m in measures}


def test_failed_item_links_its_hazard_and_the_measure_fails_until_closed(world, version, register):
    event, alarm, drill, plain = register
    assert sr.event_status(event).code == "effective"
    (hazard,) = finish_inspection(world, version, fail=("T-1",))
    assert list(hazard.risk_measures.all()) == [alarm]
    assert sr.measure_status(alarm) == "failed" and sr.measure_status(drill) == "effective"
    assert statuses(event) == {
        "氨气泄漏报警仪": ("failed", 1),
        "每半年开展泄漏处置演练": ("effective", 0),
        "每班巡检两次": ("effective", 0),
    }
    status = sr.event_status(event)
    assert (status.code, str(status.label)) == ("failed", "存在失效措施")
    assert [h.pk for h in status.open_hazards] == [hazard.pk]

    close(world, hazard)
    assert sr.measure_status(alarm) == "effective"
    assert sr.event_status(event).code == "effective"
    assert list(hazard.risk_measures.all()) == [alarm]  # the link stays as history


def test_the_event_page_links_the_open_hazard(client, world, version, register):
    event, alarm, drill, plain = register
    (hazard,) = finish_inspection(world, version, fail=("T-1",))
    client.force_login(world.users["town_a"])
    html = client.get(reverse("risks:event", args=[event.pk])).content.decode()
    assert reverse("hazards:detail", args=[hazard.pk]) in html and "存在失效措施" in html
    assert 'data-status="failed"' in html
    listing = client.get(reverse("risks:list")).content.decode()
    assert "液氨泄漏中毒" in listing
    close(world, hazard)
    html = client.get(reverse("risks:event", args=[event.pk])).content.decode()
    assert reverse("hazards:detail", args=[hazard.pk]) not in html and "管控有效" in html


def test_a_newer_version_of_the_checklist_keeps_the_link(world, version, register):
    event, alarm, drill, plain = register
    newer = ChecklistVersion.objects.create(
        checklist=version.checklist, number=2, status="published", published_at=timezone.now()
    )
    for old in version.items.all():
        ChecklistItem.objects.create(version=newer, key=old.key, order=old.order, text=old.text + "（修订）")
    (hazard,) = finish_inspection(world, newer, fail=("T-2",))
    assert list(hazard.risk_measures.all()) == [drill]


def test_other_subjects_and_other_items_are_not_linked(world, version, register):
    event, alarm, drill, plain = register
    other = make_checklist("another-list", items=3, major_items=())
    hazards = finish_inspection(world, other, fail=("T-1",))  # same key, different checklist
    assert [h.risk_measures.count() for h in hazards] == [0]
    hazards = finish_inspection(world, version, fail=("T-3",))  # no measure names T-3
    assert [h.risk_measures.count() for h in hazards] == [0]
    hazards = finish_inspection(world, version, fail=("T-1",), subject="ent_c")  # another subject
    assert [h.risk_measures.count() for h in hazards] == [0]
    assert sr.event_status(event).code == "effective"


def test_an_unassessed_event_says_so(world, register):
    event, *_ = register
    unassessed = sr.create_event(
        world.users["enterprise"], event.unit, name="储罐超压", accident_type="vessel"
    )
    assert sr.event_status(unassessed).code == "unassessed"
    assert str(sr.event_status(unassessed).label) == "未评价"


def test_the_hazard_page_names_the_risk_it_breaks(client, world, version, register):
    event, alarm, drill, plain = register
    (hazard,) = finish_inspection(world, version, fail=("T-1",))
    client.force_login(world.users["town_a"])
    html = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'id="hazard-risks"' in html and reverse("risks:event", args=[event.pk]) in html
