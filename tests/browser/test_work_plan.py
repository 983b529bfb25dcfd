"""The work plan end to end in a browser: the committee office pastes the 2023 seed, fixes an
unmatched unit in review (the rest it removes), accepts; the emergency bureau reports progress on a
task it leads; the office's overview then counts that report."""

import pytest
from playwright.sync_api import expect

from anjian.plans.models import ReportingPeriod, Task, WorkPlan
from anjian.testing import PASSWORD

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

SEED = "anjian/plans/data/2023-wenling-work-safety-priorities.txt"


def reported_by(page, unit):
    return page.locator(f"#units-table tr[data-unit='{unit.pk}'] td").nth(2).inner_text().strip()


def fix_unmatched_units(page, keep_unit_name):
    """Points the first unmatched name at a unit, removes the other vague ones (有关部门 …)."""
    forms = page.locator("form.unmatched-unit")
    before = forms.count()
    forms.first.locator("select[name=unit]").select_option(label=keep_unit_name)
    forms.first.get_by_role("button", name="指定").click()
    expect(forms).to_have_count(before - 1)
    # Wait for each swap to land before the next click: the response arrives before htmx
    # replaces the task, and a click on the old form meanwhile hits a detached button.
    while remaining := forms.count():
        forms.first.get_by_role("button", name="删除").click()
        expect(forms).to_have_count(remaining - 1)


def test_import_review_accept_report_and_see_the_overview_move(world, new_page):
    office = new_page()
    log_in(office, "city", PASSWORD)
    office.goto("/plans/import/")
    with open(SEED, encoding="utf-8") as handle:
        office.locator("textarea[name=text]").fill(handle.read())
    office.locator("form").get_by_role("button", name="导入").first.click()
    office.wait_for_url("**/review/")
    plan = WorkPlan.objects.get()
    assert office.locator("#accept-button").is_disabled()
    fix_unmatched_units(office, "市应急管理局")
    assert office.locator("#accept-button").is_enabled()
    office.locator("#accept-button").click()
    office.wait_for_url(f"**/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.ACCEPTED

    half = plan.periods.get(kind=ReportingPeriod.Kind.HALF_YEAR)
    bureau = world.users["dept"].roles.get().unit
    office.goto(f"/plans/{plan.pk}/overview/?period={half.pk}")
    before = int(reported_by(office, bureau))

    unit_page = new_page(PHONE, mobile=True)
    log_in(unit_page, "dept", PASSWORD)
    unit_page.goto(f"/plans/{plan.pk}/tasks/?period={half.pk}")
    item_1 = Task.objects.get(plan=plan, level="item", number="1")
    unit_page.locator(f"[data-task='{item_1.pk}'] a.btn").click()
    unit_page.locator("#status-on_track").check()
    unit_page.locator("#id_text").fill("已将安全生产重要论述纳入各镇（街道）党委理论学习中心组学习内容。")
    unit_page.locator("#report-form button[type=submit]").click()
    unit_page.wait_for_url(f"**/plans/{plan.pk}/tasks/?*")
    assert "已报送" in unit_page.locator(".alert-success").inner_text()

    office.goto(f"/plans/{plan.pk}/overview/?period={half.pk}")
    assert int(reported_by(office, bureau)) == before + 1
