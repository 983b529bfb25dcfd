"""The hazard rules of issue 11 with the clock travelled across deadlines, weekends and the 2024
National Day holiday (with its make-up working day on Sunday 29 September), on the real working-day
table seeded from chinesecalendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.hazards import reminders, services
from anjian.hazards.models import Hazard, Level
from anjian.jobs.registry import autodiscover
from anjian.notifications.models import Notification
from anjian.notifications.services import save_rule
from anjian.workdays import services as workdays

TZ = ZoneInfo("Asia/Shanghai")
SCHEDULER = system_actor("scheduler:hazards.reminders")


@pytest.fixture
def calendar(db):
    """The real holiday table; the process's cached copy is dropped before and after, because the
    test's transaction is rolled back under it."""
    workdays.invalidate_cache()
    workdays.seed_from_package(system_actor("test"))
    yield
    workdays.invalidate_cache()


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def d(text):
    return datetime.date.fromisoformat(text)


def sweep(day, hour=9):
    with time_machine.travel(at(day, hour), tick=False), acting_as(SCHEDULER):
        return reminders.sweep(at(day, hour))


def assigned_hazard(world, deadline, *, on, level=Level.GENERAL):
    """A hazard of ent_a (泽国镇, supervised by 市应急管理局) reported and assigned by the inspector on
    day `on`, due on `deadline`."""
    with time_machine.travel(at(on), tick=False):
        hazard = services.report_hazard(
            world.users["inspector"], world.subjects["ent_a"].pk, "消防通道堵塞", level=level
        )
        plan = "整改方案：清理通道，资金一万元" if level == Level.MAJOR else None
        return services.transition(
            world.users["inspector"],
            hazard.pk,
            "assign",
            deadline=deadline,
            responsible_person="赵敏",
            rectification_plan=plan,
        )


def told(kind, hazard=None):
    """{username} told `kind` (about `hazard`)."""
    rows = Notification.objects.filter(kind=kind)
    if hazard is not None:
        rows = rows.filter(object_id=hazard.pk)
    return set(rows.values_list("recipient__username", flat=True))


# ---- assigned ----------------------------------------------------------------------------------------


def test_assignment_tells_the_enterprise_and_the_supervising_unit(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    # The inspector assigned it: the rest of the bureau and the enterprise's account are told.
    assert told("hazard.assigned") == {"enterprise", "dept"}
    note = Notification.objects.get(kind="hazard.assigned", recipient=world.users["enterprise"])
    assert note.url == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.code in note.text and "泽国精工机械有限公司" in note.text and "2024-06-24" in note.text
    assert note.about == hazard and not note.urgent


def test_an_assignment_rolled_back_tells_no_one(world, calendar):
    hazard = services.report_hazard(world.users["inspector"], world.subjects["ent_a"].pk, "配电箱未接地")
    deadline = datetime.date.today() + datetime.timedelta(days=10)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        services.transition(
            world.users["inspector"], hazard.pk, "assign", deadline=deadline, responsible_person="赵敏"
        )
        # Written in the transition's transaction …
        assert told("hazard.assigned", hazard) == {"enterprise", "dept"}
        raise Undo
    # … and gone with it.
    assert not Notification.objects.exists()
    assert Hazard.objects.get(pk=hazard.pk).status == "reported"


# ---- due soon -----------------------------------------------------------------------------------------


def test_due_soon_three_working_days_before_a_monday_not_counting_the_weekend(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))  # Monday
    assert sweep(d("2024-06-18"), hour=23)["hazard.due_soon"] == 0  # Tuesday: 4 working days left
    counts = sweep(d("2024-06-19"), hour=0)  # Wednesday: Thu, Fri, Mon
    assert counts["hazard.due_soon"] == 1
    assert told("hazard.due_soon", hazard) == {"enterprise"}
    note = Notification.objects.get(kind="hazard.due_soon")
    assert note.dedup_key == f"hazard:{hazard.pk}:due_soon:2024-06-24" and "2024-06-24" in note.text


def test_due_soon_across_the_national_day_holiday_and_its_make_up_working_day(world, calendar):
    # Due Tuesday 8 October 2024: 1–7 October are off, Sunday 29 September is worked. The third
    # working day before it is Friday 27 September (30 Sep, 29 Sep, 27 Sep) — not 3 October, as
    # plain weekdays would say, nor 26 September, as forgetting the make-up day would.
    hazard = assigned_hazard(world, d("2024-10-08"), on=d("2024-09-20"))
    assert sweep(d("2024-09-26"), hour=23)["hazard.due_soon"] == 0
    assert sweep(d("2024-09-27"))["hazard.due_soon"] == 1
    assert told("hazard.due_soon", hazard) == {"enterprise"}


def test_a_moved_deadline_reminds_again(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    assert sweep(d("2024-06-19"))["hazard.due_soon"] == 1
    with acting_as(system_actor("test")):
        audit.update(Hazard.objects.filter(pk=hazard.pk), deadline=d("2024-06-21"))
    assert sweep(d("2024-06-19"), hour=10)["hazard.due_soon"] == 1
    assert Notification.objects.filter(kind="hazard.due_soon").count() == 2


# ---- overdue ------------------------------------------------------------------------------------------


def test_overdue_the_day_after_the_deadline_to_the_enterprise_and_the_supervisor(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    assert sweep(d("2024-06-24"), hour=23)["hazard.overdue"] == 0  # the deadline day still counts
    assert sweep(d("2024-06-25"), hour=0)["hazard.overdue"] == 3
    assert told("hazard.overdue", hazard) == {"enterprise", "dept", "inspector"}


def test_a_hazard_handed_in_is_not_overdue(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    with time_machine.travel(at(d("2024-06-20")), tick=False):
        services.transition(world.users["enterprise"], hazard.pk, "accept")
        services.transition(world.users["enterprise"], hazard.pk, "submit", comment="已清理")
    assert sweep(d("2024-06-25")) == dict.fromkeys(reminders.SWEPT_KINDS, 0)


def test_running_the_sweep_twice_sends_nothing_twice(world, calendar):
    assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    assigned_hazard(world, d("2024-06-21"), on=d("2024-06-03"), level=Level.MAJOR)
    first = sweep(d("2024-06-28"))
    assert first["hazard.overdue"] == 6 and first["hazard.escalated"] == 1
    total = Notification.objects.count()
    assert sweep(d("2024-06-28")) == dict.fromkeys(reminders.SWEPT_KINDS, 0)
    assert sweep(d("2024-06-28"), hour=15) == dict.fromkeys(reminders.SWEPT_KINDS, 0)
    assert Notification.objects.count() == total


# ---- escalation of a major hazard ---------------------------------------------------------------------


def test_a_major_hazard_escalates_to_the_town_then_to_the_city_office(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"), level=Level.MAJOR)
    # Overdue on Tue 25, Wed 26, Thu 27 June: three working days, so step 1 on Friday 28.
    assert sweep(d("2024-06-27"), hour=23)["hazard.escalated"] == 0
    assert sweep(d("2024-06-28"))["hazard.escalated"] == 1
    assert told("hazard.escalated", hazard) == {"town_a"}
    step1 = Notification.objects.get(kind="hazard.escalated")
    assert step1.urgent and step1.dedup_key == f"hazard:{hazard.pk}:escalated:1:2024-06-24"
    # Three more working days (Mon 1, Tue 2 July and Wed 3 July): step 2 on Wednesday 3 July.
    assert sweep(d("2024-07-02"), hour=23)["hazard.escalated"] == 0
    assert sweep(d("2024-07-03"))["hazard.escalated"] == 1
    assert told("hazard.escalated", hazard) == {"town_a", "city"}
    assert sweep(d("2024-07-10"))["hazard.escalated"] == 0


def test_a_general_hazard_is_not_escalated(world, calendar):
    assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    assert sweep(d("2024-07-03"))["hazard.escalated"] == 0


def test_escalation_stops_when_someone_acts_before_the_first_step(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"), level=Level.MAJOR)
    with time_machine.travel(at(d("2024-06-26")), tick=False):
        services.transition(world.users["enterprise"], hazard.pk, "accept")  # still running
    assert sweep(d("2024-06-28"))["hazard.escalated"] == 0
    assert sweep(d("2024-07-03"))["hazard.escalated"] == 0
    assert told("hazard.overdue", hazard)  # it is still overdue: that reminder stands


def test_escalation_stops_when_someone_acts_between_the_steps(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"), level=Level.MAJOR)
    assert sweep(d("2024-06-28"))["hazard.escalated"] == 1
    with time_machine.travel(at(d("2024-07-01")), tick=False):
        services.transition(world.users["enterprise"], hazard.pk, "accept")
    assert sweep(d("2024-07-03"))["hazard.escalated"] == 0
    assert told("hazard.escalated", hazard) == {"town_a"}


def test_an_act_before_the_deadline_does_not_stop_escalation(world, calendar):
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"), level=Level.MAJOR)
    with time_machine.travel(at(d("2024-06-24"), hour=20), tick=False):
        services.transition(world.users["enterprise"], hazard.pk, "accept")
    assert sweep(d("2024-06-28"))["hazard.escalated"] == 1


def test_the_offices_escalate_days_are_used(world, calendar):
    with acting_as(world.users["city"]):
        save_rule(world.users["city"], "hazard.escalated", enabled=True, lead_days=None, escalate_days=1)
    hazard = assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"), level=Level.MAJOR)
    assert sweep(d("2024-06-25"))["hazard.escalated"] == 0
    assert sweep(d("2024-06-26"))["hazard.escalated"] == 1  # one working day overdue has passed
    assert sweep(d("2024-06-27"))["hazard.escalated"] == 1
    assert told("hazard.escalated", hazard) == {"town_a", "city"}


def test_a_disabled_rule_sends_nothing(world, calendar):
    save_rule(world.users["city"], "hazard.overdue", enabled=False, lead_days=None, escalate_days=None)
    assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    assert sweep(d("2024-06-25"))["hazard.overdue"] == 0


# ---- 督办 ---------------------------------------------------------------------------------------------


def test_listing_for_supervision_tells_the_enterprise_and_the_town_then_its_deadline(world, calendar):
    hazard = assigned_hazard(world, d("2024-07-31"), on=d("2024-06-03"))
    with time_machine.travel(at(d("2024-06-04")), tick=False):
        services.transition(
            world.users["city"],
            hazard.pk,
            "supervise",
            comment="重大风险挂牌",
            supervision_level="city",
            deadline=d("2024-06-24"),
        )
    assert told("hazard.supervised", hazard) == {"enterprise", "town_a"}
    assert Notification.objects.filter(kind="hazard.supervised", urgent=True).count() == 2
    assert "市级挂牌督办" in Notification.objects.filter(kind="hazard.supervised").first().text
    assert sweep(d("2024-06-18"))["hazard.supervision_due"] == 0
    assert sweep(d("2024-06-19"))["hazard.supervision_due"] == 2  # 3 working days before Mon 24
    assert sweep(d("2024-06-25"))["hazard.supervision_due"] == 2  # and once passed
    keys = set(Notification.objects.filter(kind="hazard.supervision_due").values_list("dedup_key", flat=True))
    assert keys == {
        f"hazard:{hazard.pk}:supervision_due:2024-06-24",
        f"hazard:{hazard.pk}:supervision_overdue:2024-06-24",
    }


# ---- the schedule -------------------------------------------------------------------------------------


def test_the_sweep_is_registered_for_the_scheduler(world, calendar):
    spec = autodiscover()["hazards.reminders"]
    assert spec.every == datetime.timedelta(minutes=15) and spec.description
    assigned_hazard(world, d("2024-06-24"), on=d("2024-06-03"))
    with time_machine.travel(at(d("2024-06-25")), tick=False), acting_as(SCHEDULER):
        assert spec.func(at(d("2024-06-25")))["hazard.overdue"] == 3
