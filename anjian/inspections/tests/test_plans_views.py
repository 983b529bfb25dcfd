"""The plan pages through Django's test client: who sees what, the new-plan form, issuing, the draw box."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from anjian.inspections import services_plans as sp
from anjian.inspections.models import Draw, Inspection, InspectionPlan
from anjian.org.models import Unit
from anjian.testing import make_checklist


@pytest.fixture
def client_for(world):
    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture
def version(db):
    return make_checklist()


def make_plan(world, version, persona="town_a", organiser="泽国镇", territories=None, **extra):
    start = datetime.date(2025, 5, 1)
    return sp.create_plan(
        world.users[persona],
        name=extra.pop("name", "泽国镇春季检查"),
        kind="comprehensive",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=20),
        organiser=Unit.objects.get(name=organiser),
        checklist_version=version,
        target_mode=extra.pop("target_mode", "rule"),
        target_territories=[world.town_a] if territories is None else territories,
        **extra,
    )


def form_data(world, version, **extra):
    data = {
        "name": "泽国镇夏季检查",
        "kind": "comprehensive",
        "starts_on": "2025-06-01",
        "ends_on": "2025-06-30",
        "organiser": Unit.objects.get(name="泽国镇").pk,
        "checklist_version": version.pk,
        "target_mode": "rule",
        "target_territories": [world.town_a.pk],
    }
    data.update(extra)
    return data


def test_plan_list_scope(world, version, client_for):
    make_plan(world, version, name="泽国计划")
    make_plan(
        world, version, persona="town_b", organiser="大溪镇", territories=[world.town_b], name="大溪计划"
    )
    page = client_for("town_a").get(reverse("inspections:plan_list")).content.decode()
    assert "泽国计划" in page and "大溪计划" not in page
    city = client_for("city").get(reverse("inspections:plan_list")).content.decode()
    assert "泽国计划" in city and "大溪计划" in city
    assert client_for("enterprise").get(reverse("inspections:plan_list")).status_code == 403


def test_plan_detail_404_out_of_scope_and_for_enterprise(world, version, client_for):
    plan = make_plan(world, version)
    url = reverse("inspections:plan_detail", args=[plan.pk])
    assert client_for("town_b").get(url).status_code == 404
    # An enterprise sees no plan at all: the answer does not tell whether one exists.
    assert client_for("enterprise").get(url).status_code == 404
    page = client_for("town_a").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "泽国精工机械有限公司" in text and "检查对象库（2 个）" in text
    # A grid user's scope is its grid: a town plan is not its business.
    assert client_for("grid").get(url).status_code == 404
    # An inspector of the bureau sees a plan of its sector, but may not issue it.
    sector_plan = make_plan(world, version, name="工贸专项", target_sectors=["industry_trade"])
    inspector = client_for("inspector").get(reverse("inspections:plan_detail", args=[sector_plan.pk]))
    assert inspector.status_code == 200 and "泽国精工机械有限公司" in inspector.content.decode()
    assert 'id="issue"' not in inspector.content.decode()
    assert 'id="issue"' in client_for("town_a").get(url).content.decode()


def test_new_plan_form_creates_a_draft(world, version, client_for):
    client = client_for("town_a")
    assert client.get(reverse("inspections:plan_new")).status_code == 200
    response = client.post(reverse("inspections:plan_new"), form_data(world, version))
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:plan_detail", args=[plan.pk])
    assert plan.name == "泽国镇夏季检查" and plan.status == "draft"


def test_new_plan_form_shows_the_service_message(world, version, client_for):
    client = client_for("town_a")
    response = client.post(reverse("inspections:plan_new"), form_data(world, version, kind="joint"))
    assert response.status_code == 422
    assert "联合检查须有组织单位以外至少一个参加单位" in response.content.decode()
    response = client.post(
        reverse("inspections:plan_new"),
        form_data(world, version, target_mode="hand", target_subjects=[world.subjects["ent_b"].pk]),
    )
    assert "所选检查对象不存在或不在您的管辖范围内" in response.content.decode()
    response = client.post(
        reverse("inspections:plan_new"), form_data(world, version, target_territories=[world.town_b.pk])
    )
    assert response.status_code == 400 and "辖区不存在或不在您的管辖范围内" in response.content.decode()
    assert InspectionPlan.objects.count() == 0


@pytest.mark.parametrize("persona", ["grid", "inspector", "enterprise"])
def test_new_plan_forbidden_for_non_planners(world, client_for, persona):
    assert client_for(persona).get(reverse("inspections:plan_new")).status_code == 403
    assert client_for(persona).get(reverse("inspections:plan_pool_size")).status_code == 403


def test_pool_size_and_subject_picker(world, version, client_for):
    client = client_for("town_a")
    size = client.get(
        reverse("inspections:plan_pool_size"), {"target_mode": "rule", "target_sectors": ["industry_trade"]}
    )
    assert 'data-count="1"' in size.content.decode()
    # town_a counts only its own subjects even without a territory chosen.
    assert 'data-count="2"' in client.get(reverse("inspections:plan_pool_size")).content.decode()
    picked = client.get(reverse("inspections:plan_subjects"), {"q": "大溪"}).content.decode()
    assert "大溪商贸城" not in picked and "没有名称或编码含“大溪”的监管对象" in picked
    kept = client.get(
        reverse("inspections:plan_subjects"), {"q": "安居", "target_subjects": [world.subjects["ent_a"].pk]}
    ).content.decode()
    assert "泽国精工机械有限公司" in kept and "checked" in kept and "泽国安居建设工程" in kept


def test_issue_from_the_detail_page(world, version, client_for):
    plan = make_plan(world, version)
    url = reverse("inspections:plan_issue", args=[plan.pk])
    assert client_for("town_b").post(url).status_code == 404
    assert client_for("grid").post(url).status_code == 404
    assert client_for("city").post(url, {"inspectors": [world.users["enterprise"].pk]}).status_code == 422
    response = client_for("town_a").post(url, {"inspectors": [world.users["inspector"].pk]})
    assert response.status_code == 302
    assert Inspection.objects.filter(plan=plan, inspectors=world.users["inspector"]).count() == 2
    again = client_for("town_a").post(url)
    assert again.status_code == 409 and "不能下达" in again.content.decode()
    page = client_for("town_a").get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "检查任务（2）" in page


def test_draw_plan_page_shows_the_draw_box_and_reports_errors(world, version, client_for):
    plan = make_plan(world, version, target_mode="draw")
    client = client_for("town_a")
    page = client.get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert 'id="draw-form"' in page and 'value="4"' in page  # the red weight's default
    bad = client.post(reverse("inspections:plan_draw_commit", args=[plan.pk]), {"target_count": "0"})
    assert bad.status_code == 400 and "抽取参数有误" in bad.content.decode()
    assert Draw.objects.count() == 0
    missing = client.post(reverse("inspections:plan_draw_perform", args=[plan.pk]), {"draw": "999"})
    assert missing.status_code == 404


def test_committed_draw_shows_its_hash_and_the_draw_button(world, version, client_for):
    plan = make_plan(world, version, target_mode="draw")
    Draw.objects.create(plan=plan, target_count=1, pool={}, pool_hash="a" * 64, seed_hash="b" * 64)
    page = client_for("town_a").get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "b" * 64 in page and "进行抽取" in page
    assert 'id="draw-form"' not in page  # one draw per plan
    other = client_for("town_b").post(reverse("inspections:plan_draw_perform", args=[plan.pk]), {"draw": "1"})
    assert other.status_code == 404
