"""举一反三: one hazard becomes an issued thematic plan over the same-sector subjects of a territory."""

import pytest

from anjian.hazards.services import report_hazard
from anjian.inspections import services_plans as sp
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import Inspection, InspectionPlan, ItemResult
from anjian.testing import make_checklist, make_subject


@pytest.fixture
def setting(world):
    """A hazard found on item T-2 of an inspection of ent_a (工贸, 泽国镇), and more 工贸 subjects."""
    version = make_checklist(sector="industry_trade")
    item = version.items.get(key="T-2")
    ent_a = world.subjects["ent_a"]
    inspection = Inspection.objects.create(subject=ent_a, checklist_version=version, status="done")
    hazard = report_hazard(world.users["city"], ent_a.pk, "配电箱未接地")
    ItemResult.objects.create(inspection=inspection, item=item, outcome="fail", hazard=hazard)
    villages = list(world.town_a.children.order_by("path"))
    same_town = make_subject("泽国五金厂", villages[-1], "industry_trade", n=21)
    other_town = make_subject("大溪五金厂", world.town_b.children.first(), "industry_trade", n=22)
    return version, item, hazard, same_town, other_town


def test_lessons_plan_covers_the_sector_in_the_hazards_town(world, setting):
    version, item, hazard, same_town, other_town = setting
    plan = sp.propagate_lessons(world.users["town_a"], hazard, None)
    assert plan.kind == "thematic" and plan.target_mode == "rule" and plan.status == "issued"
    sector_name = hazard.sector.name
    assert plan.name == f"举一反三：{item.text}（{sector_name}）" and len(item.text) <= 20
    assert list(plan.focus_items.all()) == [item] and plan.checklist_version == version
    assert plan.source_hazard == hazard and plan.sector_id == "industry_trade"
    assert list(plan.target_territories.all()) == [world.town_a]
    subjects = {i.subject for i in Inspection.objects.filter(plan=plan)}
    assert subjects == {world.subjects["ent_a"], same_town}  # not ent_c (建筑施工), not 大溪
    # Each inspection checks only the focus item.
    assert [list(i.items()) for i in Inspection.objects.filter(plan=plan)] == [[item], [item]]


def test_lessons_over_the_whole_city_by_the_city_office(world, setting):
    _, _, hazard, same_town, other_town = setting
    plan = sp.propagate_lessons(world.users["city"], hazard, world.city)
    subjects = {i.subject for i in Inspection.objects.filter(plan=plan)}
    assert subjects == {world.subjects["ent_a"], same_town, other_town}


def test_lessons_refused_outside_scope_or_role(world, setting):
    _, _, hazard, *_ = setting
    before = (InspectionPlan.objects.count(), Inspection.objects.count())
    with pytest.raises(InspectionError) as error:
        sp.propagate_lessons(world.users["town_b"], hazard, world.town_b)
    assert error.value.status == 404
    with pytest.raises(InspectionError) as error:
        sp.propagate_lessons(world.users["grid"], hazard, world.town_a)
    assert error.value.status == 403
    with pytest.raises(InspectionError) as error:
        sp.propagate_lessons(world.users["town_a"], hazard, world.town_b)
    assert "辖区“大溪镇”不在您的管辖范围内" in error.value.message
    assert (InspectionPlan.objects.count(), Inspection.objects.count()) == before


def test_a_hazard_not_from_an_inspection_needs_an_item(world):
    version = make_checklist()
    hazard = report_hazard(world.users["city"], world.subjects["ent_c"].pk, "脚手架未设防护栏")
    with pytest.raises(InspectionError) as error:
        sp.propagate_lessons(world.users["town_a"], hazard, None)
    assert "请选择要举一反三检查的条目" in error.value.message
    assert InspectionPlan.objects.count() == 0
    item = version.items.get(key="T-1")
    plan = sp.propagate_lessons(world.users["town_a"], hazard, None, item=item)
    assert list(plan.focus_items.all()) == [item]
    assert [i.subject for i in Inspection.objects.filter(plan=plan)] == [world.subjects["ent_c"]]
