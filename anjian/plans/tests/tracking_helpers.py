"""A small accepted plan written straight into the models (no parser, no import service), with
deadlines relative to the real today so that reports submitted now are on time or late as a test
needs, without touching the clock.

    一、 1. 应急局 lead, 泽国镇 + 大溪镇 cooperate; targets 安全示范渔船 95 艘, 标准化 90 %
         2. 住建局 + 应急局 share
            一是 (no units: not a task of its own, reported on under 2.); target 燃气管道 5.4 公里
            二是 (消防 lead)
    二、 3. 市安委办 lead
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from anjian.org.models import Role, Unit
from anjian.plans.models import ReportingPeriod, Target, Task, TaskUnit, UnitRole, WorkPlan
from anjian.testing import make_user

UNITS = {
    "yjj": "市应急管理局",
    "zeguo": "泽国镇",
    "daxi": "大溪镇",
    "zj": "市住房和城乡建设局",
    "xf": "市消防救援支队",
    "office": "市安委办",
}


@dataclass
class Tiny:
    plan: WorkPlan
    half: ReportingPeriod
    full: ReportingPeriod
    today: datetime.date
    tasks: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)


def build_tiny_plan(half_in_days=10, status=WorkPlan.Status.ACCEPTED, year=None):
    today = timezone.localdate()
    u = {key: Unit.objects.get(name=name) for key, name in UNITS.items()}
    plan = WorkPlan.objects.create(
        title=f"{year or today.year}年温岭市安全生产工作要点",
        year=year or today.year,
        status=status,
        source_text="……",
        issuer=u["office"],
    )
    half = ReportingPeriod.objects.create(
        plan=plan,
        kind=ReportingPeriod.Kind.HALF_YEAR,
        name="半年度",
        deadline=today + datetime.timedelta(days=half_in_days),
    )
    full = ReportingPeriod.objects.create(
        plan=plan,
        kind=ReportingPeriod.Kind.FULL_YEAR,
        name="全年",
        deadline=today + datetime.timedelta(days=half_in_days + 180),
    )
    t = Tiny(plan, half, full, today, units=u)
    order = iter(range(1, 100))

    def task(key, level, number, title, parent=None):
        t.tasks[key] = Task.objects.create(
            plan=plan,
            parent=t.tasks.get(parent),
            level=level,
            number=number,
            title=title,
            text=title,
            order=next(order),
        )

    def units(key, *pairs):
        for unit_key, role in pairs:
            TaskUnit.objects.create(task=t.tasks[key], name=u[unit_key].name, unit=u[unit_key], role=role)

    task("ch1", Task.Level.CHAPTER, "一", "学深悟透、真信笃行")
    task("t1", Task.Level.ITEM, "1", "涉海涉渔领域整治。", "ch1")
    units("t1", ("yjj", UnitRole.LEAD), ("zeguo", UnitRole.COOPERATE), ("daxi", UnitRole.COOPERATE))
    t.targets["boats"] = Target.objects.create(
        task=t.tasks["t1"], quantity=Decimal(95), unit="艘", what="安全示范渔船", order=1
    )
    t.targets["std"] = Target.objects.create(
        task=t.tasks["t1"],
        quantity=Decimal(90),
        unit="%",
        what="规上企业标准化建设",
        comparison="以上",
        order=2,
    )
    task("t2", Task.Level.ITEM, "2", "重点领域专项整治。", "ch1")
    units("t2", ("zj", UnitRole.SHARE), ("yjj", UnitRole.SHARE))
    task("p1", Task.Level.POINT, "一是", "燃气管道更新改造。", "t2")
    t.targets["pipe"] = Target.objects.create(
        task=t.tasks["p1"], quantity=Decimal("5.4"), unit="公里", what="城镇燃气老旧管道更新改造", order=1
    )
    task("p2", Task.Level.POINT, "二是", "消防领域整治。", "t2")
    units("p2", ("xf", UnitRole.LEAD))
    task("ch2", Task.Level.CHAPTER, "二", "标本兼治、系统治理")
    task("t3", Task.Level.ITEM, "3", "完善安全生产服务保障。", "ch2")
    units("t3", ("office", UnitRole.LEAD))
    return t


def unit_user(tiny, key, username=None):
    """A reporting user for a unit that has no persona (住建局 department, 消防 department)."""
    return make_user(username or f"user_{key}", Role.DEPARTMENT, unit=tiny.units[key])
