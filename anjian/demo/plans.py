"""The demo's annual work plan: the 2023 Wenling plan imported from the seed, reviewed and accepted
by the committee office, with the half-year progress most units reported.

Everything goes through the services a user's clicks would call (import, unit fixes, accept,
submit, consolidate). The plan is the 2023 one and keeps its 2023 deadlines (15 June and
15 December): the reports are dated June 2023, a few after the deadline, and some units never
reported, so the overview shows late units and the full-year period shows everything overdue — a
demo of a year that has run its course, as the source document describes it. Built once: a database
that already holds a synthetic work plan is left as it is.
"""

import datetime
import random
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

import anjian.plans as plans_app
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.org.models import Person, Role, RoleAssignment, Unit
from anjian.plans import services, services_tracking
from anjian.plans.models import ProgressReport, ReportingPeriod, Task, TaskUnit, UnitRole, WorkPlan

from .accounts import DEMO_PASSWORD

SEED = 2023
SOURCE = Path(plans_app.__file__).parent / "data" / "2023-wenling-work-safety-priorities.txt"
TZ = ZoneInfo("Asia/Shanghai")
# Names the unit matcher may leave unmatched, and the unit the office picks for them in review.
# A name not listed here and not matched is dropped from the task in review (it names no one).
UNIT_FIXES = {
    "市特安委各成员单位": "市特种设备专委办",
    "市铁路沿线外部环境安全隐患综合治理领导小组": "市铁路沿线外部环境安全隐患综合治理领导小组",
    "市消防救援大队": "市消防救援支队",
}
# Figures reported against the fishery targets (§10 二是) and a few others, by what they count:
# (first unit's share, the rest spread over the other reporting units). 安全示范渔船: 61 of 95.
FIGURES = {
    "安全示范渔船": Decimal(61),
    "安全设施渔船": Decimal(310),
    "涉氨冷藏船": Decimal(20),
    "病老": Decimal(18),
    "减船转产": Decimal(140),
    "问题渔运船": Decimal(90),
    "问题捕捞渔船": Decimal(700),
    "城镇燃气老旧管道": Decimal("2.1"),
    "标准化": Decimal(72),
}
ROLE_OF_KIND = {
    Unit.Kind.OFFICE: Role.CITY_OFFICE,
    Unit.Kind.SECTOR_OFFICE: Role.SECTOR_OFFICE,
    Unit.Kind.TOWN: Role.TOWN,
}
TEXTS = {
    ProgressReport.Status.ON_TRACK: "已制定工作方案并按计划推进，上半年完成阶段性任务，下半年继续落实。",
    ProgressReport.Status.DONE: "已全面完成年度任务，相关工作台账已归档。",
    ProgressReport.Status.AT_RISK: "工作有序推进，但受资金和人员力量影响，部分任务进度滞后，已提请协调。",
}


def build_plans(users, progress=print):
    """Import, accept and report on the 2023 plan once; returns the number of reports added."""
    if WorkPlan.objects.filter(is_synthetic=True).exists():
        return 0
    office = users["city_office"]
    plan = services.import_plan(office, SOURCE.read_text(encoding="utf-8"), source_name=SOURCE.name)
    fixed, dropped = _fix_units(office, plan)
    progress(f"工作要点：已导入《{plan.title}》，修正责任单位 {fixed} 处，删除无法对应的 {len(dropped)} 处")
    services.accept_plan(office, plan)
    audit.update(
        WorkPlan.objects.filter(pk=plan.pk),
        actor=office,
        is_synthetic=True,
        accepted_at=datetime.datetime(2023, 4, 28, 9, 0, tzinfo=TZ),
    )
    half = plan.periods.get(kind=ReportingPeriod.Kind.HALF_YEAR)
    added = _half_year_reports(plan, half, users)
    progress(f"工作要点：半年度进展报送 {added} 份（部分单位未报或逾期）")
    return added


def _fix_units(office, plan):
    """The review step: point unmatched names at a unit, or drop the ones that name no one."""
    fixed, dropped = 0, []
    by_name = {u.name: u for u in Unit.objects.all()}
    for task_unit in TaskUnit.objects.filter(task__plan=plan, unit__isnull=True).select_related("task"):
        target = by_name.get(UNIT_FIXES.get(task_unit.name, ""))
        if target is not None:
            services.set_unit(office, task_unit, target)
            fixed += 1
        else:
            services.remove_unit(office, task_unit)
            dropped.append(task_unit.name)
    return fixed, dropped


def _reporter(unit, users):
    """A user who reports for `unit`: the demo account of that unit if there is one, else a
    synthetic account (no login is printed for it)."""
    for user in users.values():
        if RoleAssignment.objects.filter(
            user=user, unit=unit, role__in=list(ROLE_OF_KIND.values()) + [Role.DEPARTMENT]
        ).exists():
            return user
    User = get_user_model()
    username = f"plans_reporter_{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
        Person.objects.create(name=f"{unit.name}联络员", title="安全生产联络员", unit=unit, user=user)
        RoleAssignment.objects.create(
            user=user,
            role=ROLE_OF_KIND.get(unit.kind, Role.DEPARTMENT),
            unit=unit,
            territory=unit.territory if unit.kind == Unit.Kind.TOWN else None,
        )
    return user


def _half_year_reports(plan, period, users):
    rng = random.Random(f"{SEED}:plans")
    tasks = [t for t in plan.tasks.order_by("order") if t.level != Task.Level.CHAPTER and t.units.exists()]
    reporters, dates, added = {}, {}, []
    for task in tasks:
        roles = {}
        for tu in task.units.select_related("unit"):
            roles.setdefault(tu.unit, tu.role)
        reporting = [u for u in roles if rng.random() < 0.85]
        totals = _totals(task)
        shares = _split(totals, len(reporting), rng)
        for index, unit in enumerate(sorted(reporting, key=lambda u: u.name)):
            status = rng.choices(list(TEXTS), weights=(70, 12, 18))[0]
            user = reporters.setdefault(unit.pk, _reporter(unit, users))
            figures = {target: values[index] for target, values in shares.items()}
            report = services_tracking.submit_report(
                user, task, period, status=status, text=f"{unit.name}：{TEXTS[status]}", figures=figures
            )
            added.append(report.pk)
            # A few in the days after the deadline, most in the week before it.
            dates[report.pk] = _when(rng, late=rng.random() < 0.12)
        leads = [u for u, role in roles.items() if role == UnitRole.LEAD and u in reporting]
        if leads and rng.random() < 0.7:
            lead, status = leads[0], _worst(task, period)
            report = services_tracking.consolidate(
                reporters[lead.pk],
                task,
                period,
                status=status,
                text=f"{lead.name}汇总：{TEXTS[status]}",
                figures=totals,
            )
            dates[report.pk] = _when(rng, late=False)
    # Back-dated as the demo's story has it: seeding, so one `bulk` entry rather than one per report.
    with audit.bulk_load("demo.reports", actor=system_actor("init-demo"), summary={"reports": len(dates)}):
        for pk, when in dates.items():
            ProgressReport.objects.filter(pk=pk).update(submitted_at=when, is_synthetic=True)
    return len(added)


def _totals(task):
    """{target: the figure reported in all} for the task's targets named in FIGURES."""
    totals = {}
    for target in task.targets.all():
        total = next((v for key, v in FIGURES.items() if key in target.what), None)
        if total is not None:
            totals[target] = total
    return totals


def _split(totals, parts, rng):
    """{target: [value per reporting unit]}: counts split so they add up exactly to the total; a
    percentage is each unit's own rate, so every unit reports the total."""
    shares = {}
    for target, total in totals.items():
        if parts == 0:
            continue
        if target.unit == "%" or parts == 1:
            shares[target] = [total] * parts
            continue
        weights = [rng.randint(1, 5) for _ in range(parts)]
        values = [(total * w / sum(weights)).quantize(Decimal("1"), rounding=ROUND_DOWN) for w in weights]
        values[0] += total - sum(values)  # rounded down, so the remainder is never negative
        shares[target] = values
    return shares


def _worst(task, period):
    statuses = set(ProgressReport.objects.filter(task=task, period=period).values_list("status", flat=True))
    for status in (ProgressReport.Status.AT_RISK, ProgressReport.Status.ON_TRACK):
        if status in statuses:
            return status
    return ProgressReport.Status.DONE


def _when(rng, late):
    day = datetime.date(2023, 6, 15) + datetime.timedelta(
        days=rng.randint(1, 10) if late else -rng.randint(0, 8)
    )
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=TZ)
