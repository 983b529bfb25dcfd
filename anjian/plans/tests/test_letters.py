"""Reminder letters (提示函): only the office issues them, numbers run per plan year, the body lists
the unit's unreported tasks and the deadline, and the Word document reads back in the official layout."""

import io

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from anjian.plans import services_tracking as st
from anjian.plans.letters import letter_docx
from anjian.plans.models import ReminderLetter, WorkPlan
from anjian.plans.services import PlanError

from .tracking_helpers import build_tiny_plan


@pytest.fixture
def tiny(world):
    return build_tiny_plan(half_in_days=-3)


def issue(world, tiny, unit_key, plan=None):
    return st.issue_letter(world.users["city"], plan or tiny.plan, tiny.half, tiny.units[unit_key])


def test_letter_numbers_run_per_plan_year(world, tiny):
    year = tiny.plan.year
    first, second = issue(world, tiny, "yjj"), issue(world, tiny, "daxi")
    assert first.number == f"温安委办提〔{year}〕1号"
    assert second.number == f"温安委办提〔{year}〕2号"
    # Another plan of the same year continues the count; another year starts again.
    same_year = build_tiny_plan(half_in_days=-3)
    assert st.issue_letter(
        world.users["city"], same_year.plan, same_year.half, same_year.units["zeguo"]
    ).number == (f"温安委办提〔{year}〕3号")
    other = build_tiny_plan(half_in_days=-3, year=year - 1)
    assert st.issue_letter(world.users["city"], other.plan, other.half, other.units["zeguo"]).number == (
        f"温安委办提〔{year - 1}〕1号"
    )


def test_letter_body_lists_the_units_unreported_tasks_and_the_deadline(world, tiny):
    st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status="on_track", text="已报")
    letter = issue(world, tiny, "yjj")
    deadline = tiny.half.deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日前" in letter.body
    # 2. only: 2.一是 names no unit and is reported on under 2., so it is not listed on its own.
    assert "以下1项任务尚未报送" in letter.body
    assert "1. 2 重点领域专项整治。" in letter.body
    assert "燃气管道" not in letter.body
    assert "涉海涉渔" not in letter.body  # reported
    assert "超过报送截止时间3天" in letter.body
    assert letter.issued_by == world.users["city"] and letter.unit == tiny.units["yjj"]


def test_a_letter_before_the_deadline_asks_for_the_report_by_the_deadline(world):
    tiny = build_tiny_plan(half_in_days=5)
    letter = issue(world, tiny, "xf")
    assert "前通过平台报送完成情况" in letter.body and "超过" not in letter.body


@pytest.mark.parametrize("persona", ["dept", "town_a", "sector", "grid", "enterprise"])
def test_only_the_office_issues_letters(world, tiny, persona):
    with pytest.raises(PlanError, match="只有市安委办") as caught:
        st.issue_letter(world.users[persona], tiny.plan, tiny.half, tiny.units["yjj"])
    assert caught.value.status == 403 and not ReminderLetter.objects.exists()


def test_no_letter_to_a_unit_with_nothing_missing(world, tiny):
    st.submit_report(world.users["city"], tiny.tasks["t3"], tiny.half, status="done", text="完成")
    with pytest.raises(PlanError, match="无需发提示函"):
        issue(world, tiny, "office")
    with pytest.raises(PlanError, match="无需发提示函"):  # not responsible for anything
        st.issue_letter(world.users["city"], tiny.plan, tiny.half, world.users["sector"].person.unit)
    assert not ReminderLetter.objects.exists()


def test_no_letter_for_a_plan_under_review(world):
    tiny = build_tiny_plan(status=WorkPlan.Status.REVIEW)
    with pytest.raises(PlanError, match="尚未确认"):
        issue(world, tiny, "yjj")


def test_letter_docx_in_the_official_layout(world, tiny):
    letter = issue(world, tiny, "yjj")
    doc = Document(io.BytesIO(letter_docx(letter)))
    texts = [p.text for p in doc.paragraphs]
    nonblank = [t for t in texts if t.strip()]
    year = tiny.plan.year
    assert nonblank[0] == "温岭市安全生产委员会办公室"
    assert nonblank[1] == f"温安委办提〔{year}〕1号"
    assert nonblank[2] == f"关于报送{year}年安全生产工作要点半年度完成情况的提示函"
    assert nonblank[3] == "市应急管理局："
    assert "1. 1 涉海涉渔领域整治。" in texts and "2. 2 重点领域专项整治。" in texts
    assert not any("燃气管道" in t for t in texts)  # 2.一是 is reported on under 2.
    assert nonblank[-3] == "特此提示。"
    issued = timezone.localdate(letter.issued_at)
    assert nonblank[-2:] == ["温岭市安全生产委员会办公室", f"{issued.year}年{issued.month}月{issued.day}日"]
    closing = [p for p in doc.paragraphs if p.text.strip()][-2:]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in closing)
    title = next(p for p in doc.paragraphs if p.text.startswith("关于报送"))
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
