"""Tracking pages: my tasks, the report form (with the lead's consolidation), reminders and letters,
and who may open them."""

import io
import re
from decimal import Decimal

import pytest
from docx import Document

from anjian.plans import services_tracking as st
from anjian.plans.models import ProgressReport, ReminderLetter, TargetProgress

from .tracking_helpers import build_tiny_plan


@pytest.fixture
def tiny(world):
    return build_tiny_plan(half_in_days=3)


def login(client, world, persona):
    client.force_login(world.users[persona])
    return client


def tasks_url(tiny):
    return f"/plans/{tiny.plan.pk}/tasks/?period={tiny.half.pk}"


def report_url(tiny, key):
    return f"/plans/{tiny.plan.pk}/tasks/{tiny.tasks[key].pk}/report/?period={tiny.half.pk}"


def test_my_tasks_lists_the_units_tasks_by_chapter(client, world, tiny):
    page = login(client, world, "dept").get(tasks_url(tiny)).content.decode()
    shown = [int(n) for n in re.findall(r'data-task="(\d+)"', page)]
    # 2.一是 names no unit: it is reported on under 2., not listed on its own.
    assert shown == [tiny.tasks[k].pk for k in ("t1", "t2")]
    assert "学深悟透、真信笃行" in page and "标本兼治" not in page
    assert page.count('data-status="not_started"') == 2 and "报送进展" in page


def test_the_items_report_form_carries_its_sub_points_targets(client, world, tiny):
    page = login(client, world, "dept").get(report_url(tiny, "t2")).content.decode()
    assert f'name="figure_{tiny.targets["pipe"].pk}"' in page and "城镇燃气老旧管道更新改造" in page


def test_my_tasks_shows_status_after_reporting(client, world, tiny):
    st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status="at_risk", text="x")
    page = login(client, world, "dept").get(tasks_url(tiny)).content.decode()
    assert 'data-status="at_risk"' in page and "修改报送" in page


@pytest.mark.parametrize("persona", ["grid", "enterprise", "inspector"])
def test_others_get_403(client, world, tiny, persona):
    login(client, world, persona)
    assert client.get(tasks_url(tiny)).status_code == 403
    assert client.get(report_url(tiny, "t1")).status_code == 403
    assert client.post(report_url(tiny, "t1"), {"status": "done", "text": "x"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_report_form_shows_each_target(client, world, tiny):
    response = login(client, world, "town_a").get(report_url(tiny, "t1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "安全示范渔船 95 艘" in page and "规上企业标准化建设 90%以上" in page
    assert 'name="evidence"' in page and 'value="report"' in page


def test_posting_a_report_and_replacing_it(client, world, tiny):
    login(client, world, "town_a")
    boats = tiny.targets["boats"]
    data = {"status": "on_track", "text": "已建成30艘", f"figure_{boats.pk}": "30", "period": tiny.half.pk}
    response = client.post(report_url(tiny, "t1"), data)
    assert response.status_code == 302 and "/tasks/" in response["Location"]
    client.post(report_url(tiny, "t1"), data | {"text": "已建成32艘", f"figure_{boats.pk}": "32"})
    report = ProgressReport.objects.get()
    assert report.text == "已建成32艘" and report.unit == tiny.units["zeguo"]
    assert TargetProgress.objects.get(report=report).value == Decimal(32)


def test_a_bad_report_shows_the_message_and_keeps_the_input(client, world, tiny):
    boats = tiny.targets["boats"]
    response = login(client, world, "town_a").post(
        report_url(tiny, "t1"), {"status": "on_track", "text": "草稿文字", f"figure_{boats.pk}": "-3"}
    )
    page = response.content.decode()
    assert response.status_code == 422 and "不能为负数" in page and "草稿文字" in page
    assert not ProgressReport.objects.exists()


def test_a_unit_cannot_open_or_post_a_task_it_is_not_named_on(client, world, tiny):
    login(client, world, "town_a")
    assert client.get(report_url(tiny, "t2")).status_code == 403
    assert client.post(report_url(tiny, "t2"), {"status": "done", "text": "x"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_lead_sees_cooperating_reports_and_consolidates(client, world, tiny):
    boats = tiny.targets["boats"]
    st.submit_report(
        world.users["town_a"],
        tiny.tasks["t1"],
        tiny.half,
        status="on_track",
        text="泽国镇30艘",
        figures={boats: 30},
    )
    page = login(client, world, "dept").get(report_url(tiny, "t1")).content.decode()
    assert "泽国镇30艘" in page and 'id="units-missing"' in page and "大溪镇" in page
    assert 'value="consolidate"' in page and 'value="30"' in page  # the sum is the default
    response = client.post(
        report_url(tiny, "t1"),
        {"action": "consolidate", "status": "on_track", "text": "汇总", f"figure_{boats.pk}": "30"},
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(unit=tiny.units["yjj"])
    assert report.consolidated and TargetProgress.objects.get(report=report).value == Decimal(30)


def test_reminders_page_and_issuing_a_letter(client, world, tiny):
    login(client, world, "city")
    page = client.get(f"/plans/{tiny.plan.pk}/reminders/").content.decode()
    assert "大溪镇" in page and "还剩 3 天" in page and "发提示函" in page
    assert "没有到期" in client.get(f"/plans/{tiny.plan.pk}/reminders/?days=2").content.decode()
    response = client.post(
        f"/plans/{tiny.plan.pk}/reminders/?days=7", {"period": tiny.half.pk, "unit": tiny.units["daxi"].pk}
    )
    assert response.status_code == 302
    letter = ReminderLetter.objects.get()
    assert letter.unit == tiny.units["daxi"]
    assert letter.number in client.get(f"/plans/{tiny.plan.pk}/reminders/").content.decode()


@pytest.mark.parametrize("persona", ["dept", "town_a", "grid", "enterprise"])
def test_only_the_office_sees_reminders_and_issues_letters(client, world, tiny, persona):
    login(client, world, persona)
    assert client.get(f"/plans/{tiny.plan.pk}/reminders/").status_code == 403
    response = client.post(
        f"/plans/{tiny.plan.pk}/reminders/", {"period": tiny.half.pk, "unit": tiny.units["daxi"].pk}
    )
    assert response.status_code == 403 and not ReminderLetter.objects.exists()


def test_letter_download_for_the_office_and_the_addressee(client, world, tiny):
    letter = st.issue_letter(world.users["city"], tiny.plan, tiny.half, tiny.units["daxi"])
    url = f"/plans/letters/{letter.pk}.docx"
    for persona in ("city", "town_b"):
        response = login(client, world, persona).get(url)
        assert response.status_code == 200
        texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
        assert letter.number in texts and "大溪镇：" in texts
    assert "提示函" in login(client, world, "town_b").get(tasks_url(tiny)).content.decode()
    for persona in ("town_a", "dept", "grid", "enterprise"):
        assert login(client, world, persona).get(url).status_code == 403


def test_plan_under_review_and_foreign_period_are_not_found(client, world):
    from anjian.plans.models import WorkPlan

    review = build_tiny_plan(status=WorkPlan.Status.REVIEW)
    accepted = build_tiny_plan()
    login(client, world, "dept")
    assert client.get(tasks_url(review)).status_code == 404
    foreign = f"/plans/{accepted.plan.pk}/tasks/?period={review.half.pk}"
    assert client.get(foreign).status_code == 404
