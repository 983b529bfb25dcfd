"""A small hand-made plan with reports, written straight into the models so the overview and
document tests depend on nothing but anjian/plans/models.py. The expected numbers are worked out by
hand in the tests that use it."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from anjian.org.models import Unit
from anjian.plans.models import (
    ProgressReport,
    ReportingPeriod,
    Target,
    TargetProgress,
    Task,
    TaskUnit,
    UnitRole,
    WorkPlan,
)

TZ = ZoneInfo("Asia/Shanghai")
HALF_DEADLINE = datetime.date(2023, 6, 15)
AFTER_HALF = datetime.date(2023, 7, 1)  # "today" for most tests: the half-year deadline has passed
BEFORE_HALF = datetime.date(2023, 6, 1)


@dataclass
class Small:
    plan: WorkPlan
    half: ReportingPeriod
    full: ReportingPeriod
    tasks: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)


def at(month, day):
    return datetime.datetime(2023, month, day, 10, 0, tzinfo=TZ)


def build_small_plan():
    """Two chapters, three tracked tasks and one split into two sub-points:

    一、 1. (应急局 lead, 泽国镇 + 大溪镇 cooperate)  consolidated done; 大溪镇 never reports
         2. (港航局 + 应急局 share) targets 安全示范渔船 95 艘, 标准化 90 %; both on track, 港航局 late
    二、 3. 一是 (住建局 lead) target 5.4 公里 — at risk, 2 公里
            二是 (消防 lead) — no report
    """
    u = {
        name: Unit.objects.get(name=full)
        for name, full in {
            "yjj": "市应急管理局",
            "zeguo": "泽国镇",
            "daxi": "大溪镇",
            "gh": "市港航口岸和渔业管理局",
            "zj": "市住房和城乡建设局",
            "xf": "市消防救援支队",
            "office": "市安委办",
        }.items()
    }
    plan = WorkPlan.objects.create(
        title="2023年温岭市安全生产工作要点",
        year=2023,
        status=WorkPlan.Status.ACCEPTED,
        source_text="……",
        issuer=u["office"],
    )
    half = ReportingPeriod.objects.create(
        plan=plan, kind=ReportingPeriod.Kind.HALF_YEAR, name="2023年半年度", deadline=HALF_DEADLINE
    )
    full = ReportingPeriod.objects.create(
        plan=plan,
        kind=ReportingPeriod.Kind.FULL_YEAR,
        name="2023年全年",
        deadline=datetime.date(2023, 12, 15),
    )
    s = Small(plan, half, full, units=u)
    order = iter(range(1, 100))

    def task(key, level, number, title, parent=None, text=""):
        s.tasks[key] = Task.objects.create(
            plan=plan,
            parent=s.tasks.get(parent),
            level=level,
            number=number,
            title=title,
            text=text or title,
            order=next(order),
        )
        return s.tasks[key]

    def units(key, *pairs):
        for unit_key, role in pairs:
            TaskUnit.objects.create(task=s.tasks[key], name=u[unit_key].name, unit=u[unit_key], role=role)

    task("ch1", Task.Level.CHAPTER, "一", "学深悟透、真信笃行")
    task("t1", Task.Level.ITEM, "1", "深入学习贯彻重要论述", "ch1")
    units("t1", ("yjj", UnitRole.LEAD), ("zeguo", UnitRole.COOPERATE), ("daxi", UnitRole.COOPERATE))
    task("t2", Task.Level.ITEM, "2", "涉海涉渔领域整治", "ch1")
    units("t2", ("gh", UnitRole.SHARE), ("yjj", UnitRole.SHARE))
    s.targets["boats"] = Target.objects.create(
        task=s.tasks["t2"], quantity=Decimal(95), unit="艘", what="安全示范渔船", order=1
    )
    s.targets["std"] = Target.objects.create(
        task=s.tasks["t2"],
        quantity=Decimal(90),
        unit="%",
        what="规上企业标准化建设",
        comparison="以上",
        order=2,
    )
    task("ch2", Task.Level.CHAPTER, "二", "标本兼治、系统治理")
    task("t3", Task.Level.ITEM, "3", "重点领域专项整治", "ch2")
    task("p1", Task.Level.POINT, "一是", "燃气管道更新改造", "t3")
    units("p1", ("zj", UnitRole.LEAD))
    s.targets["pipe"] = Target.objects.create(
        task=s.tasks["p1"], quantity=Decimal("5.4"), unit="公里", what="城镇燃气老旧管道更新改造", order=1
    )
    task("p2", Task.Level.POINT, "二是", "消防领域整治", "t3")
    units("p2", ("xf", UnitRole.LEAD))

    def report(key, task_key, unit_key, status, when, text, consolidated=False, **figures):
        s.reports[key] = ProgressReport.objects.create(
            task=s.tasks[task_key],
            unit=u[unit_key],
            period=half,
            status=status,
            text=text,
            consolidated=consolidated,
            submitted_at=when,
        )
        for target_key, value in figures.items():
            TargetProgress.objects.create(report=s.reports[key], target=s.targets[target_key], value=value)

    done, on_track, at_risk = (
        ProgressReport.Status.DONE,
        ProgressReport.Status.ON_TRACK,
        ProgressReport.Status.AT_RISK,
    )
    report("t1_zeguo", "t1", "zeguo", on_track, at(6, 12), "泽国镇组织中心组学习3次。")
    report(
        "t1_yjj", "t1", "yjj", done, at(6, 14), "全市各单位已将重要论述纳入中心组学习。", consolidated=True
    )
    report(
        "t2_gh",
        "t2",
        "gh",
        on_track,
        at(6, 20),
        "已建成安全示范渔船40艘。",
        boats=Decimal(40),
        std=Decimal(80),
    )
    report(
        "t2_yjj",
        "t2",
        "yjj",
        on_track,
        at(6, 14),
        "指导建成示范渔船21艘。",
        boats=Decimal(21),
        std=Decimal(90),
    )
    report("p1_zj", "p1", "zj", at_risk, at(6, 15), "已完成2公里，资金未到位。", pipe=Decimal(2))
    return s
