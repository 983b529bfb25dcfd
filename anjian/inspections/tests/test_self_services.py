"""Enterprise self-inspection and the head-led monthly check (主要负责人每月至少带队检查1次)."""

import datetime

import pytest
from django.utils import timezone

from anjian.checklists.models import ChecklistVersion
from anjian.inspections import services_plans as sp
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import Inspection
from anjian.registry.models import Subject
from anjian.testing import make_checklist, make_subject


@pytest.fixture
def version(db):
    return make_checklist()


def test_enterprise_starts_a_self_inspection_of_itself(world, version):
    inspection = sp.start_self_inspection(
        world.users["enterprise"], world.subjects["ent_a"], version, led_by_head=True, head_name=" 王总 "
    )
    assert inspection.is_self and inspection.led_by_head and inspection.head_name == "王总"
    assert inspection.kind == "comprehensive" and inspection.code.startswith("ZC")
    assert Inspection.objects.visible_to(world.users["enterprise"]).filter(pk=inspection.pk).exists()


@pytest.mark.parametrize(
    ("persona", "subject", "status", "message"),
    [
        ("enterprise", "ent_b", 404, "只能对本企业开展自查"),
        ("enterprise", "ent_c", 404, "只能对本企业开展自查"),
        ("town_a", "ent_a", 403, "只有企业账号可以开展企业自查"),
        ("city", "ent_a", 403, "只有企业账号可以开展企业自查"),
    ],
)
def test_self_inspection_only_of_own_subject(world, version, persona, subject, status, message):
    with pytest.raises(InspectionError) as error:
        sp.start_self_inspection(world.users[persona], world.subjects[subject], version)
    assert error.value.status == status and message in error.value.message
    assert Inspection.objects.count() == 0


def test_head_led_needs_a_name_and_a_published_checklist(world, version):
    enterprise, ent_a = world.users["enterprise"], world.subjects["ent_a"]
    with pytest.raises(InspectionError) as error:
        sp.start_self_inspection(enterprise, ent_a, version, led_by_head=True, head_name="  ")
    assert "主要负责人带队检查须填写负责人姓名" in error.value.message
    draft = ChecklistVersion.objects.create(checklist=version.checklist, number=2)
    with pytest.raises(InspectionError) as error:
        sp.start_self_inspection(enterprise, ent_a, draft)
    assert "尚未发布" in error.value.message
    assert Inspection.objects.count() == 0


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def self_check(subject, version, when, *, head=True, status="done", head_name="王总"):
    return Inspection.objects.create(
        subject=subject,
        checklist_version=version,
        is_self=True,
        led_by_head=head,
        head_name=head_name if head else "",
        status=status,
        finished_at=when if status == "done" else None,
    )


def test_head_checks_across_month_boundaries(world, version, django_assert_max_num_queries):
    ent_a, ent_c = world.subjects["ent_a"], world.subjects["ent_c"]
    self_check(ent_a, version, local(2025, 3, 31, 23, 30))  # late on 31 March, local time
    self_check(ent_c, version, local(2025, 4, 1, 0, 10), head_name="李总")  # just after midnight: April
    self_check(ent_c, version, local(2025, 3, 15, 9), head=False)  # not led by the head
    self_check(ent_c, version, local(2025, 3, 16, 9), status="in_progress")  # unfinished
    with django_assert_max_num_queries(4):
        march = sp.head_checks(world.users["town_a"], "2025-03")
    by_name = {row.name: row for row in march}
    assert set(by_name) == {ent_a.name, ent_c.name}  # town_a's enterprises only
    assert by_name[ent_a.name].done and by_name[ent_a.name].date == datetime.date(2025, 3, 31)
    assert by_name[ent_a.name].head_name == "王总"
    assert [row.name for row in march.missed] == [ent_c.name] and march.done_count == 1
    april = sp.head_checks(world.users["town_a"], datetime.date(2025, 4, 20))
    assert [row.name for row in april.missed] == [ent_a.name]
    assert {row.name: row.head_name for row in april if row.done} == {ent_c.name: "李总"}


def test_head_checks_scope_and_kinds(world, version):
    make_subject("泽国某广场", world.town_a.children.first(), "fire", kind=Subject.Kind.PLACE)
    rows = sp.head_checks(world.users["town_b"], "2025-03")
    assert [row.name for row in rows] == [world.subjects["ent_b"].name]
    assert [row.name for row in sp.head_checks(world.users["enterprise"], "2025-03")] == [
        "泽国精工机械有限公司"
    ]
    city = sp.head_checks(world.users["city"], "2025-03")
    assert len(city) == 3 and len(city.missed) == 3  # places are not enterprises
    with pytest.raises(InspectionError) as error:
        sp.head_checks(world.users["city"], "2025-13")
    assert "月份“2025-13”无效" in error.value.message
