"""The public draw pages (一公开): no login, names masked, draft plans and pending unannounced checks
kept out, inputs enough to re-run the draw, and a server-side re-check."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core import audit
from anjian.hazards.services import report_hazard
from anjian.inspections import draw as algorithm
from anjian.inspections import services_draw as sd
from anjian.inspections.models import Draw, Inspection, InspectionPlan, ItemResult
from anjian.inspections.views_public import mask_name
from anjian.org.models import Person

from .draw_setup import make_inspectors, make_plan


@pytest.fixture
def drawn(world):
    inspectors = make_inspectors(3)
    audit.update(Person.objects.filter(user=inspectors[0]), name="张小明", phone="13900001111")
    audit.update(Person.objects.filter(user=world.users["inspector"]), phone="13800002222")
    plan = make_plan(world, name="公开抽查计划")
    dept = world.users["dept"]
    return sd.perform_draw(dept, sd.commit_draw(dept, plan, 3))


def page(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_mask_name():
    assert [mask_name(n) for n in ("张三", "张小明", "欧阳小明", "李", "")] == [
        "张*",
        "张*明",
        "欧**明",
        "*",
        "",
    ]


def test_list_and_detail_need_no_login_and_mask_people(world, drawn):
    listing = page(reverse("public:draw_list"))
    assert "公开抽查计划" in listing and drawn.seed_hash in listing and drawn.pool_hash in listing
    detail = page(reverse("public:draw_detail", args=[drawn.pk]))
    assert drawn.seed in detail and drawn.seed_hash in detail and drawn.pool_hash in detail
    assert "anjian-draw-v1" in detail and "大溪商贸城" in detail and "大溪镇" in detail and "待检查" in detail
    assert "张小明" not in detail and "张*明" in detail
    assert "检查员陈刚" not in detail and "检***刚" in detail
    for secret in ("13900001111", "13800002222", "insp0", "inspector"):
        assert secret not in detail
    assert 'name="viewport"' in detail and "navbar" not in detail  # the base page, no menu


def test_finished_inspections_show_their_date_and_hazards(world, drawn):
    inspection = Inspection.objects.get(draw=drawn, subject=world.subjects["ent_b"])
    hazard = report_hazard(world.users["city"], inspection.subject_id, "消防通道堵塞")
    item = inspection.checklist_version.items.first()
    ItemResult.objects.create(inspection=inspection, item=item, outcome="fail", hazard=hazard)
    finished = timezone.now()
    audit.update(
        Inspection.objects.filter(pk=inspection.pk), status=Inspection.Status.DONE, finished_at=finished
    )
    detail = page(reverse("public:draw_detail", args=[drawn.pk]))
    assert "已完成 · 发现隐患 1 项" in detail and timezone.localtime(finished).strftime("%Y-%m-%d") in detail


def test_draft_plans_and_pending_unannounced_draws_stay_out(world):
    make_inspectors(2)
    dept = world.users["dept"]
    draft = sd.commit_draw(dept, make_plan(world, name="草稿计划", status=InspectionPlan.Status.DRAFT), 1)
    secret = sd.commit_draw(dept, make_plan(world, name="暗访计划", kind="unannounced"), 1)
    listing = page(reverse("public:draw_list"))
    assert "草稿计划" not in listing and "暗访计划" not in listing
    for pk in (draft.pk, secret.pk):
        assert Client().get(reverse("public:draw_detail", args=[pk])).status_code == 404
        assert Client().get(reverse("public:draw_inputs", args=[pk])).status_code == 404
    secret = sd.perform_draw(dept, secret)
    target = world.subjects["ent_a"].__class__.objects.get(pk=secret.result[0]["subject"])
    detail = page(reverse("public:draw_detail", args=[secret.pk]))
    assert "暗访计划" in page(reverse("public:draw_list"))
    assert target.name not in detail and secret.seed not in detail and "检查结束后公开" in detail
    assert Client().get(reverse("public:draw_inputs", args=[secret.pk])).status_code == 404
    audit.update(
        Inspection.objects.filter(draw=secret), status=Inspection.Status.DONE, finished_at=timezone.now()
    )
    detail = page(reverse("public:draw_detail", args=[secret.pk]))
    assert target.name in detail and secret.seed in detail


def test_inputs_json_lets_anyone_rerun_the_draw(world, drawn):
    pending = sd.commit_draw(world.users["dept"], make_plan(world, name="待抽取"), 1)
    before = Client().get(reverse("public:draw_inputs", args=[pending.pk])).json()
    assert before["seed"] is None and before["result"] is None and pending.seed not in str(before)
    assert algorithm.pool_hash(before["pool"]) == before["pool_hash"] == pending.pool_hash
    data = Client().get(reverse("public:draw_inputs", args=[drawn.pk])).json()
    assert data["algorithm"] == "anjian-draw-v1" and algorithm.seed_hash(data["seed"]) == data["seed_hash"]
    assert algorithm.pool_hash(data["pool"]) == data["pool_hash"]
    rerun = algorithm.run_draw(data["seed"], data["pool"], data["target_count"], data["per_target"])
    assert rerun == data["result"] == drawn.result


def test_verify_page_says_whether_the_draw_holds(world, drawn):
    url = reverse("public:draw_verify", args=[drawn.pk])
    assert "一致" in page(url) and "不一致" not in page(url)
    assert "重新验证" in page(reverse("public:draw_detail", args=[drawn.pk]))
    swapped = [drawn.result[1], drawn.result[0], *drawn.result[2:]]
    audit.update(Draw.objects.filter(pk=drawn.pk), result=swapped)
    assert "不一致" in page(url)
