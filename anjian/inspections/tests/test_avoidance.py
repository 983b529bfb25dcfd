"""The avoidance list: who keeps it, what it shows, bad input, and that the draw obeys it."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.inspections import services_avoidance as sa
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import AvoidanceRule

pytestmark = pytest.mark.django_db


def refused(status, *args, **kwargs):
    with pytest.raises(InspectionError) as caught:
        sa.add_rule(*args, **kwargs)
    assert caught.value.status == status
    assert not AvoidanceRule.objects.exists()
    return caught.value.message


def test_a_department_keeps_the_list_of_its_inspectors(world):
    dept, inspector = world.users["dept"], world.users["inspector"]
    rule = sa.add_rule(dept, inspector.pk, subject_id=world.subjects["ent_a"].pk, reason="近亲属任职")
    assert list(sa.visible_rules(dept)) == [rule]
    # Another unit's planner neither sees nor removes it.
    assert not sa.visible_rules(world.users["town_b"]).exists()
    with pytest.raises(InspectionError) as caught:
        sa.remove_rule(world.users["town_b"], rule.pk)
    assert caught.value.status == 404
    sa.remove_rule(dept, rule.pk)
    assert not AvoidanceRule.objects.exists()


def test_bad_input_is_named_and_saves_nothing(world):
    dept, inspector = world.users["dept"], world.users["inspector"]
    ent_a, ent_b = world.subjects["ent_a"], world.subjects["ent_b"]
    assert "二选一" in refused(422, dept, inspector.pk, reason="x")
    assert "二选一" in refused(
        422, dept, inspector.pk, subject_id=ent_a.pk, territory_id=world.town_a.pk, reason="x"
    )
    assert "理由" in refused(422, dept, inspector.pk, subject_id=ent_a.pk, reason="  ")
    assert "不属于您的单位" in refused(422, dept, world.users["grid"].pk, subject_id=ent_a.pk, reason="x")
    # ent_b (fire, 大溪镇) is outside the bureau's sectors.
    assert "管辖范围" in refused(422, dept, inspector.pk, subject_id=ent_b.pk, reason="x")
    assert "角色" in refused(403, world.users["enterprise"], inspector.pk, subject_id=ent_a.pk, reason="x")
    sa.add_rule(dept, inspector.pk, subject_id=ent_a.pk, reason="x")
    with pytest.raises(InspectionError) as caught:
        sa.add_rule(dept, inspector.pk, subject_id=ent_a.pk, reason="again")
    assert caught.value.status == 409 and AvoidanceRule.objects.count() == 1


def test_a_rule_about_a_subject_the_planner_cannot_see_stays_hidden(world):
    # The city office notes that the bureau's inspector avoids a 大溪镇 market; the bureau's own
    # planner (sectors without fire) must not learn of that subject through the list.
    sa.add_rule(
        world.users["city"], world.users["inspector"].pk, subject_id=world.subjects["ent_b"].pk, reason="x"
    )
    assert not sa.visible_rules(world.users["dept"]).exists()
    assert sa.visible_rules(world.users["city"]).count() == 1


def test_the_page_adds_and_lists(world):
    client = Client()
    client.force_login(world.users["dept"])
    url = reverse("inspections:avoidances")
    bad = client.post(url, {"inspector": world.users["inspector"].pk, "reason": "近亲属"})
    assert bad.status_code == 422 and "二选一" in bad.content.decode()
    ok = client.post(
        url,
        {"inspector": world.users["inspector"].pk, "subject": world.subjects["ent_a"].pk, "reason": "近亲属"},
    )
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "泽国精工机械有限公司" in page and "近亲属" in page
    client.force_login(world.users["enterprise"])
    assert client.get(url).status_code == 403
