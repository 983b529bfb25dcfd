"""Plan-report reminders: due in N working days (a weekend and a holiday in between), the late
sweep's 提示函 issued and sent once, and the office's own letter sent in its transaction."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from anjian.core.context import acting_as, system_actor
from anjian.core.models import AuditEntry
from anjian.notifications.models import Notification
from anjian.notifications.services import save_rule
from anjian.plans import reminders
from anjian.plans import services_tracking as st
from anjian.plans.models import ReminderLetter
from anjian.workdays.models import Holiday
from anjian.workdays.services import invalidate_cache

from .tracking_helpers import build_tiny_plan

TZ = ZoneInfo("Asia/Shanghai")
# Friday 20 November 2026, 10:00: no public holiday near it.
FRIDAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
JOB = system_actor("scheduler:plans.reminders")


@pytest.fixture(autouse=True)
def fresh_holiday_table():
    invalidate_cache()
    yield
    invalidate_cache()


def notes(kind=None, user=None):
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    if user:
        rows = rows.filter(recipient=user)
    return rows


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_due_in_three_working_days_across_a_weekend(world):
    with at(FRIDAY):
        wednesday = build_tiny_plan(half_in_days=5)  # Mon, Tue, Wed: 3 working days
        thursday = build_tiny_plan(half_in_days=6)  # 4 working days: not yet
        sent = reminders.due_sweep(FRIDAY)
    assert sent
    assert {n.url for n in sent} >= {
        f"/plans/{wednesday.plan.pk}/tasks/?period={wednesday.half.pk}&unit={wednesday.units['yjj'].pk}"
    }
    periods = {n.object_id for n in sent}
    assert periods == {wednesday.half.pk} and thursday.half.pk not in periods
    # Every responsible unit with a reporting user: 应急局 (dept), both towns, the office.
    assert {n.recipient.username for n in sent} == {"dept", "town_a", "town_b", "city"}
    assert "inspector" not in {n.recipient.username for n in sent}  # not a reporting role
    text = notes("plan.report_due", world.users["dept"]).get().text
    assert "2026-11-25" in text and "市应急管理局" in text and "2项任务未报送" in text


def test_a_holiday_on_monday_moves_the_reminder_a_day(world):
    Holiday.objects.create(date=datetime.date(2026, 11, 23), kind=Holiday.Kind.HOLIDAY, name="测试")
    invalidate_cache()
    with at(FRIDAY):
        thursday = build_tiny_plan(half_in_days=6)  # Tue, Wed, Thu: 3 working days now
        sent = reminders.due_sweep(FRIDAY)
    assert {n.object_id for n in sent} == {thursday.half.pk}


def test_a_unit_that_reported_is_not_reminded_and_the_office_rule_sets_the_days(world):
    with at(FRIDAY):
        tiny = build_tiny_plan(half_in_days=5)
        for task in ("t1", "t2"):
            st.submit_report(world.users["dept"], tiny.tasks[task], tiny.half, status="on_track", text="已报")
        save_rule(world.users["city"], "plan.report_due", enabled=True, lead_days=2, escalate_days=None)
        assert reminders.due_sweep(FRIDAY) == []  # Wednesday is 3 working days away, the rule says 2
        save_rule(world.users["city"], "plan.report_due", enabled=True, lead_days=3, escalate_days=None)
        sent = reminders.due_sweep(FRIDAY)
    assert "dept" not in {n.recipient.username for n in sent}
    assert "town_a" in {n.recipient.username for n in sent}


def test_the_due_sweep_twice_sends_once(world):
    with at(FRIDAY):
        build_tiny_plan(half_in_days=1)
        first = reminders.due_sweep(FRIDAY)
        second = reminders.due_sweep(FRIDAY + datetime.timedelta(minutes=15))
    assert first and second == []
    assert notes("plan.report_due").count() == len(first)


def test_the_late_sweep_issues_and_sends_each_letter_once(world, client):
    with at(FRIDAY):
        tiny = build_tiny_plan(half_in_days=-1)
        st.submit_report(world.users["town_a"], tiny.tasks["t1"], tiny.half, status="on_track", text="已报")
        with acting_as(JOB):
            letters = reminders.late_sweep(FRIDAY)
            again = reminders.late_sweep(FRIDAY + datetime.timedelta(hours=1))
    assert again == []
    # Every unit with tasks unreported, 泽国镇 (reported) aside.
    assert {letter.unit.name for letter in letters} == {
        "市应急管理局",
        "大溪镇",
        "市住房和城乡建设局",
        "市消防救援支队",
        "市安委办",
    }
    assert ReminderLetter.objects.count() == len(letters)
    bureau = next(letter for letter in letters if letter.unit == tiny.units["yjj"])
    assert bureau.issued_by is None and "超过报送截止时间1天" in bureau.body
    entry = AuditEntry.objects.filter(model="plans.reminderletter", object_id=str(bureau.pk)).get()
    assert entry.actor_name == "system:scheduler:plans.reminders"
    # The unit and the office are told, with the letter's download link.
    dept_note = notes("plan.report_late", world.users["dept"]).get()
    assert dept_note.url == f"/plans/letters/{bureau.pk}.docx" and bureau.number in dept_note.text
    assert notes("plan.report_late", world.users["city"]).count() == len(letters)
    assert not notes("plan.report_late", world.users["town_a"]).exists()
    client.force_login(world.users["dept"])
    response = client.get(dept_note.url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_a_letter_the_office_issued_after_the_deadline_is_not_issued_again(world):
    with at(FRIDAY):
        tiny = build_tiny_plan(half_in_days=-2)
        own = st.issue_letter(world.users["city"], tiny.plan, tiny.half, tiny.units["daxi"])
        with acting_as(JOB):
            letters = reminders.late_sweep(FRIDAY)
    assert tiny.units["daxi"] not in {letter.unit for letter in letters}
    assert notes(user=world.users["town_b"]).get().url == f"/plans/letters/{own.pk}.docx"


def test_a_letter_before_the_deadline_is_a_due_reminder_to_the_unit_only(world):
    with at(FRIDAY):
        tiny = build_tiny_plan(half_in_days=4)
        letter = st.issue_letter(world.users["city"], tiny.plan, tiny.half, tiny.units["zeguo"])
    note = notes(user=world.users["town_a"]).get()
    assert note.kind == "plan.report_due" and note.url.endswith(f"{letter.pk}.docx")
    assert not notes(user=world.users["city"]).exists()


def test_the_letters_notification_is_written_in_its_transaction(world):
    with at(FRIDAY):
        tiny = build_tiny_plan(half_in_days=-1)
        with pytest.raises(RuntimeError), transaction.atomic():
            st.issue_letter(world.users["city"], tiny.plan, tiny.half, tiny.units["zeguo"])
            assert notes(user=world.users["town_a"]).count() == 1
            raise RuntimeError("the caller's transaction fails")
    assert not ReminderLetter.objects.exists()
    assert not Notification.objects.exists()
