"""The list, review and detail pages and the htmx review edits, on a hand-made parse."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from anjian.core import audit
from anjian.org.models import Unit
from anjian.plans.models import Target, TaskUnit, WorkPlan

from .review_helpers import small_plan

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def plan(world):
    return small_plan(world.users["city"])


def test_review_shows_tree_beside_source_with_the_unmatched_unit_and_a_disabled_accept(world, plan):
    response = client_for(world, "city").get(reverse("plans:review", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan-tree"' in html and 'id="plan-source"' in html and 'id="source-toggle"' in html
    loose = TaskUnit.objects.get(task__plan=plan, unit=None)
    assert 'class="unmatched-unit' in html and f'data-unit="{loose.pk}"' in html
    button = re.search(r'<button[^>]*id="accept-button"[^>]*>', html).group(0)
    assert "disabled" in button
    assert "市某某局" in html[html.index('id="accept-reason"') :]
    # The unplaced text is in the warning box and marked in the source.
    assert "附件：联系人名单" in html[html.index('id="unplaced"') :] and "src-unplaced" in html
    assert "95" in html and "安全示范渔船" in html


def test_the_htmx_unit_fix_answers_the_task_and_enables_accept(world, plan):
    client = client_for(world, "city")
    loose = TaskUnit.objects.get(task__plan=plan, unit=None)
    housing = Unit.objects.get(name="市住房和城乡建设局")
    url = reverse("plans:unit_set", args=[plan.pk, loose.pk])
    response = client.post(url, {"unit": housing.pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="task-node task-item mb-2" id="task-{loose.task_id}"')
    assert "市住房和城乡建设局" in html and "unmatched-unit" not in html
    accept_bar = re.search(r'<div id="accept-bar".*?</div>', html, re.S).group(0)
    assert 'hx-swap-oob="true"' in accept_bar and "disabled" not in accept_bar
    loose.refresh_from_db()
    assert loose.unit == housing
    # Accepting now works and lands on the read-only detail.
    response = client.post(reverse("plans:accept", args=[plan.pk]))
    assert response.status_code == 302 and response.url == reverse("plans:detail", args=[plan.pk])
    assert WorkPlan.objects.get(pk=plan.pk).status == "accepted"
    assert client.get(reverse("plans:review", args=[plan.pk])).status_code == 302


def test_a_refused_htmx_edit_answers_the_reason_and_changes_nothing(world, plan):
    client = client_for(world, "city")
    target = Target.objects.get(task__plan=plan, what="安全示范渔船")
    url = reverse("plans:target_edit", args=[plan.pk, target.pk])
    response = client.post(url, {"what": "安全示范渔船", "quantity": "-1"}, **HTMX)
    assert response.status_code == 422 and "正数" in response.content.decode()
    target.refresh_from_db()
    assert target.quantity == 95
    # Without htmx the same refusal comes back as a message on the review page.
    response = client.post(url, {"what": "", "quantity": "3"}, follow=True)
    assert "请填写指标内容" in response.content.decode()
    # Accepting with the unit unmatched is refused with the names.
    response = client.post(reverse("plans:accept", args=[plan.pk]), follow=True)
    assert "市某某局" in response.content.decode() and WorkPlan.objects.get(pk=plan.pk).status == "review"


def test_split_and_merge_from_the_page_answer_the_whole_tree(world, plan):
    client = client_for(world, "city")
    first = plan.tasks.get(number="1")
    review = client.get(reverse("plans:review", args=[plan.pk])).content.decode()
    # The split offers the sentence ends of the task's text.
    offers = re.findall(
        rf'action="{reverse("plans:task_split", args=[plan.pk, first.pk])}".*?</select>', review, re.S
    )
    values = re.findall(r'<option value="(\d+)"', offers[0])
    assert values == [str(first.text.index("完成")), str(first.text.index("高质量"))]
    response = client.post(reverse("plans:task_split", args=[plan.pk, first.pk]), {"at": values[1]}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-number="1-2"' in html and 'id="plan-source"' in html
    second = plan.tasks.get(number="1-2")
    response = client.post(reverse("plans:task_merge", args=[plan.pk, first.pk]), **HTMX)
    assert response.status_code == 200 and 'data-number="1-2"' not in response.content.decode()
    assert not plan.tasks.filter(pk=second.pk).exists()
    # The last item has nothing after it.
    last = plan.tasks.get(number="3")
    response = client.post(reverse("plans:task_merge", args=[plan.pk, last.pk]), **HTMX)
    assert response.status_code == 422 and "没有可合并" in response.content.decode()


def test_units_and_targets_added_and_removed_through_the_page(world, plan):
    client = client_for(world, "city")
    task = plan.tasks.get(number="3")
    town = Unit.objects.get(name="大溪镇")
    response = client.post(
        reverse("plans:unit_add", args=[plan.pk, task.pk]), {"unit": town.pk, "role": "cooperate"}, **HTMX
    )
    assert response.status_code == 200 and "大溪镇" in response.content.decode()
    added = task.units.get(unit=town)
    client.post(reverse("plans:unit_remove", args=[plan.pk, added.pk]), **HTMX)
    assert not task.units.filter(unit=town).exists()
    response = client.post(
        reverse("plans:target_add", args=[plan.pk, task.pk]),
        {"what": "综合应急救援队伍", "quantity": "1", "unit": "支"},
        **HTMX,
    )
    assert response.status_code == 200 and "综合应急救援队伍" in response.content.decode()
    target = task.targets.get()
    client.post(reverse("plans:target_delete", args=[plan.pk, target.pk]), **HTMX)
    assert not task.targets.exists()


def test_an_edit_names_objects_of_its_own_plan_only(world, plan):
    other = small_plan(world.users["city"])
    alien = TaskUnit.objects.filter(task__plan=other).first()
    client = client_for(world, "city")
    url = reverse("plans:unit_remove", args=[plan.pk, alien.pk])
    assert client.post(url, **HTMX).status_code == 404
    assert TaskUnit.objects.filter(pk=alien.pk).exists()


def test_list_and_detail_for_the_office_and_the_units(world, plan):
    city = client_for(world, "city")
    html = city.get(reverse("plans:list")).content.decode()
    assert "2023年某市安全生产工作要点" in html and "3 条" in html and "1 个单位未匹配" in html
    assert reverse("plans:import") in html
    # A plan under review is not yet issued: the units do not see it.
    town = client_for(world, "town_a")
    assert "2023年某市" not in town.get(reverse("plans:list")).content.decode()
    assert town.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    audit.update(WorkPlan.objects.filter(pk=plan.pk), status="accepted")
    html = town.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "安全示范渔船" in html and "2023-06-15" in html and "2023-12-15" in html
    assert 'name="deadline"' not in html  # the periods are read-only for a unit
    assert reverse("plans:import") not in town.get(reverse("plans:list")).content.decode()


@pytest.mark.parametrize("persona", ["grid", "inspector", "enterprise"])
def test_roles_outside_the_plans_get_403(world, plan, persona):
    client = client_for(world, persona)
    for url in (
        reverse("plans:list"),
        reverse("plans:import"),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:review", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["town_a", "dept", "sector"])
def test_reporting_units_cannot_import_or_review(world, plan, persona):
    client = client_for(world, persona)
    assert client.get(reverse("plans:list")).status_code == 200
    assert client.get(reverse("plans:import")).status_code == 403
    assert client.post(reverse("plans:import"), {"text": "一、x\n1.y"}).status_code == 403
    assert client.get(reverse("plans:review", args=[plan.pk])).status_code == 403
    loose = TaskUnit.objects.get(task__plan=plan, unit=None)
    bureau = Unit.objects.get(name="市应急管理局")
    response = client.post(reverse("plans:unit_set", args=[plan.pk, loose.pk]), {"unit": bureau.pk}, **HTMX)
    assert response.status_code == 403
    assert client.post(reverse("plans:accept", args=[plan.pk])).status_code == 403
    loose.refresh_from_db()
    assert loose.unit is None and WorkPlan.objects.count() == 1


def test_periods_form_saves_and_refuses(world, plan):
    client = client_for(world, "city")
    half, full = plan.periods.order_by("deadline")
    url = reverse("plans:periods", args=[plan.pk])
    data = {
        "period_id": [half.pk, full.pk, ""],
        "name": ["半年度", "全年", "第三季度"],
        "kind": ["half_year", "full_year", "other"],
        "deadline": ["2023-06-15", "2023-12-15", "2023-09-30"],
    }
    response = client.post(url, data)
    assert response.status_code == 302 and plan.periods.count() == 3
    data["deadline"][2] = "明天"
    html = client.post(url, data, follow=True).content.decode()
    assert "截止日期无效" in html and plan.periods.get(name="第三季度").deadline.isoformat() == "2023-09-30"


def test_detail_links_to_the_tracking_pages_of_an_accepted_plan(world, plan):
    city = client_for(world, "city")
    detail = reverse("plans:detail", args=[plan.pk])
    assert 'id="plan-links"' not in city.get(detail).content.decode()  # under review: no tracking yet
    audit.update(WorkPlan.objects.filter(pk=plan.pk), status="accepted")

    def links(client):
        html = client.get(detail).content.decode()
        box = re.search(r'<div[^>]*id="plan-links">(.*?)</div>', html, re.S).group(1)
        return re.findall(r'href="([^"]+)"', box)

    office = links(city)
    names = ("my_tasks", "overview", "report_docx", "ledger_xlsx", "reminders")
    assert office == [reverse(f"plans:{name}", args=[plan.pk]) for name in names]
    for url in office[1:]:  # the office reports on no task of this plan: my tasks is for the units
        assert city.get(url).status_code == 200, url
    town = client_for(world, "town_a")
    assert links(town) == office[:4]  # reminders are the office's
    assert town.get(office[0]).status_code == 200
