"""A month of data for the ranking tests, small enough to work out every indicator by hand.

September 2025 in 泽国镇 (town_a: ent_a, ent_c — 2 enterprises) and 大溪镇 (town_b: ent_b — 1):
see `build` for each row and the test modules for the figures it gives.
"""

import datetime

from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.core import audit
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection, InspectionPlan
from anjian.org.models import Unit
from anjian.plans.models import ProgressReport, ReportingPeriod, Task, TaskUnit, WorkPlan
from anjian.testing import make_checklist

MONTH = datetime.date(2025, 9, 1)


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(2025, month, day, hour))


def hazard(world, subject, *, found, by="inspector", source="inspection", level="general", **fields):
    """A hazard reported through the service, then its dates and finder set as the test needs."""
    created = hazard_services.report_hazard(world.users["city"], world.subjects[subject].pk, "测试隐患")
    audit.update(
        Hazard.objects.filter(pk=created.pk),
        found_at=found,
        found_by=world.users[by] if by else None,
        source=source,
        level=level,
        **fields,
    )
    return Hazard.objects.get(pk=created.pk)


def accident(world, town, when, deaths, level="general", n=[0]):  # noqa: B006 — a counter for codes
    n[0] += 1
    return Accident.objects.create(
        code=f"SGTEST{n[0]:06d}",
        occurred_at=when,
        place="测试地点",
        territory=town,
        sector_id="industry_trade",
        accident_type="struck",
        deaths=deaths,
        level=level,
        level_reason="测试",
    )


def build(world):
    w = world
    # Hazards found in September. town_a: two active (grid staff; a grid patrol, major), two by others
    # (a city inspector; town_b's staff in town_a). town_b: one active (its own staff, major).
    hazard(
        w,
        "ent_a",
        found=at(9, 2),
        by="grid",
        deadline=datetime.date(2025, 9, 10),
        on_time=True,
        submitted_at=at(9, 9),
    )
    hazard(
        w,
        "ent_a",
        found=at(9, 3),
        by="city",
        source="grid_patrol",
        level="major",
        deadline=datetime.date(2025, 9, 15),
        submitted_at=at(10, 5),
        on_time=False,
    )
    hazard(
        w, "ent_c", found=at(9, 4), deadline=datetime.date(2025, 9, 30), on_time=False, submitted_at=at(10, 2)
    )
    hazard(w, "ent_c", found=at(9, 5), by="town_b", source="public_report")
    hazard(w, "ent_b", found=at(9, 6), by="town_b", level="major", deadline=datetime.date(2025, 9, 20))
    # Outside the month: found in August (due in October), found on the 1st of October.
    hazard(w, "ent_a", found=at(8, 31, 23), by="grid", deadline=datetime.date(2025, 10, 3))
    hazard(w, "ent_b", found=at(10, 1, 0), by="town_b", level="major", deadline=datetime.date(2025, 9, 30))
    # A major hazard rectified in time for the month's end is not overdue then.
    hazard(
        w,
        "ent_b",
        found=at(7, 1),
        level="major",
        deadline=datetime.date(2025, 8, 1),
        submitted_at=at(9, 29),
        on_time=False,
    )

    # Accidents: town_a 1 death this September, 2 the September before; town_b a 较大 one, 3 deaths.
    accident(w, w.town_a, at(9, 8), 1)
    accident(w, w.town_b, at(9, 9), 3, level="larger")
    accident(w, w.town_a, timezone.make_aware(datetime.datetime(2024, 9, 20, 8)), 2)
    accident(w, w.town_a, at(10, 1, 1), 1)  # October: not counted

    # Inspections: an issued plan ending 30 September — ent_a done, ent_c not yet, ent_b cancelled;
    # a draft plan's inspection does not count. Also one inspection without a plan done in September
    # (ent_c) and two self-inspections of ent_a (one enterprise, counted once).
    version = make_checklist()
    city_unit = Unit.objects.get(name="市安委办")
    plan = InspectionPlan.objects.create(
        name="九月检查",
        status="issued",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 9, 30),
        organiser=city_unit,
        territory=w.city,
        checklist_version=version,
    )
    draft = InspectionPlan.objects.create(
        name="草稿",
        status="draft",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 9, 30),
        organiser=city_unit,
        territory=w.city,
        checklist_version=version,
    )

    def inspection(subject, **fields):
        return Inspection.objects.create(subject=w.subjects[subject], checklist_version=version, **fields)

    inspection("ent_a", plan=plan, status="done", finished_at=at(9, 20))
    inspection("ent_c", plan=plan, status="planned")
    inspection("ent_b", plan=plan, status="cancelled")
    inspection("ent_b", plan=draft, status="planned")
    inspection("ent_c", status="done", finished_at=at(9, 21))
    inspection("ent_a", is_self=True, status="done", finished_at=at(9, 12))
    inspection("ent_a", is_self=True, status="done", finished_at=at(9, 13))

    # Work-plan reports due 30 September: 泽国镇 answers for two tasks (one on time, one late), 大溪镇
    # for one (not reported).
    work = WorkPlan.objects.create(title="2025年工作要点", year=2025, status="accepted", source_text="…")
    period = ReportingPeriod.objects.create(
        plan=work, kind="other", name="三季度", deadline=datetime.date(2025, 9, 30)
    )
    zeguo, daxi = Unit.objects.get(name="泽国镇"), Unit.objects.get(name="大溪镇")
    tasks = [Task.objects.create(plan=work, level="item", number=str(n), order=n) for n in (1, 2)]
    TaskUnit.objects.create(task=tasks[0], name="泽国镇", unit=zeguo, role="lead")
    TaskUnit.objects.create(task=tasks[0], name="大溪镇", unit=daxi, role="cooperate")
    TaskUnit.objects.create(task=tasks[1], name="泽国镇", unit=zeguo, role="lead")
    for task, when in ((tasks[0], at(9, 30, 20)), (tasks[1], at(10, 2))):
        ProgressReport.objects.create(
            task=task, unit=zeguo, period=period, status="on_track", text="进展", submitted_at=when
        )
