"""The registry of ranking indicators: each a function of platform data over a month and the towns.

    REGISTRY[code].compute(month_start, month_end, towns) -> {town_id: Value(value, detail)}
    REGISTRY[code].records(user, town, month_start, month_end) -> QuerySet (through visible_to)
    compute_all(month_start, month_end, towns, codes) -> {town_id: {code: Value}}

`month_end` is the month's last day (a date); `towns` are org.Territory rows of level town. A value
of None means no data (a rate whose denominator is 0), shown as missing, never as zero; counts with
nothing to count are 0. `detail` holds the numerator, denominator and counts, JSON-ready.

Every figure comes from one or two grouped queries over all towns, shared between the indicators
that read them (`Month` keeps them for one computation). Towns group by `town_id + 0`: grouping by
the column lets SQLite walk the (town, status, path) index to skip a sort, one random table read per
hazard of the city (see anjian/risks/grading.py); the expression leaves it the date-range indexes.

"Found actively" (主动发现): found by the town's own side — the hazard's source is a grid patrol or an
enterprise self-check, or its finder holds a TOWN or GRID role whose territory lies in that town.
"Found by others" (他人发现): everything else (city departments' and offices' inspections, public
reports, alarms, other towns' staff). A major hazard weighs 5 in the active share, a general one 1.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Func, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.models import Accident, AccidentLevel
from anjian.hazards.models import Hazard, Level, Source
from anjian.inspections.models import Inspection, InspectionPlan
from anjian.org.models import Role, RoleAssignment
from anjian.registry.models import Subject

from .defaults import DEFAULTS
from .indicators_plans import plan_report_records, plan_reports

ACTIVE_SOURCES = (Source.GRID_PATROL, Source.SELF_CHECK)
SEVERITY = {Level.MAJOR: 5, Level.GENERAL: 1}
LARGER_LEVELS = (AccidentLevel.LARGER, AccidentLevel.MAJOR, AccidentLevel.EXTRAORDINARY)
ISSUED_PLANS = (InspectionPlan.Status.ISSUED, InspectionPlan.Status.CLOSED)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    value: Decimal | None
    detail: dict = field(default_factory=dict)


def ratio(numerator, denominator, scale=1):
    """numerator / denominator (× scale) as a Decimal; None when the denominator is 0."""
    if not denominator:
        return None
    return Decimal(numerator) * scale / Decimal(denominator)


def month_bounds(month):
    """(first day, last day) of the month containing `month`."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Month:
    """One computation: the month, the towns, and the grouped query results its indicators share."""

    def __init__(self, month_start, month_end, towns):
        self.start, self.end = month_start, month_end
        self.start_at, self.end_at = _at(month_start), _at(month_end + datetime.timedelta(days=1))
        self.towns = list(towns)
        self.ids = [t.pk for t in self.towns]
        self._cache = {}

    def once(self, name, build):
        if name not in self._cache:
            self._cache[name] = build(self)
        return self._cache[name]


def _town_key():
    return F("town_id") + 0


def _grouped(queryset, **aggregates):
    """{town_id: {name: number}} of `queryset` grouped by town."""
    rows = queryset.order_by().values(t=_town_key()).annotate(**aggregates)
    return {row.pop("t"): row for row in rows}


# --- the shared queries --------------------------------------------------------------------------


def town_staff(towns):
    """{town_id: {user ids}} of the users holding a TOWN or GRID role inside each town."""
    staff = defaultdict(set)
    rows = RoleAssignment.objects.filter(role__in=(Role.TOWN, Role.GRID)).exclude(territory=None)
    for user_id, path in rows.values_list("user_id", "territory__path"):
        for town in towns:
            if path.startswith(town.path):
                staff[town.pk].add(user_id)
    return staff


def _found(month):
    """Hazards found in the month per town: all, active, others (counts), and severity-weighted."""
    staff = town_staff(month.towns)
    rows = (
        Hazard.objects.filter(found_at__gte=month.start_at, found_at__lt=month.end_at)
        .order_by()
        .values("level", "source", "found_by_id", t=_town_key())
        .annotate(n=Count("id"))
    )
    found = defaultdict(lambda: defaultdict(int))
    for row in rows:
        active = row["source"] in ACTIVE_SOURCES or row["found_by_id"] in staff.get(row["t"], ())
        side = "active" if active else "others"
        counts, n = found[row["t"]], row["n"]
        counts[side] += n
        counts[f"{side}_weighted"] += n * SEVERITY.get(row["level"], 1)
        if row["source"] == Source.INSPECTION:
            counts["by_inspection"] += n
    return found


def _enterprises(month):
    rows = Subject.objects.filter(kind=Subject.Kind.ENTERPRISE).order_by().values("town_id")
    return {row["town_id"]: row["n"] for row in rows.annotate(n=Count("id"))}


def enterprise_counts(month=None):
    """{town_id: enterprises}: the denominator of the per-100 counts (the register as it is now)."""
    return month.once("enterprises", _enterprises) if month else _enterprises(None)


def _due(month):
    return _grouped(
        Hazard.objects.filter(deadline__gte=month.start, deadline__lte=month.end),
        due=Count("id"),
        on_time=Count("id", filter=Q(on_time=True)),
    )


def _overdue_major_q(month):
    # Not rectified by the month's end: not yet handed in, or handed in after it. The deadline day
    # itself is on time, so a hazard is overdue at the month's end when its deadline is in or before it.
    return Q(level=Level.MAJOR) & Hazard.objects.overdue_at_q(month.end_at, month.end)


class Unindexed(Func):
    """A column SQLite may not answer from an index (`+column`); the bare column elsewhere."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _overdue_major(month):
    # Nearly every hazard was found before a past month's end and was due by it, so both ranges are
    # almost the whole table: walked through the found_at index, SQLite reads the table row by row in
    # index order (4 s for a million); a plain scan reads it in order. Major hazards are 3 %: an index
    # on (level, deadline) would make this a small range (models.py is not this module's to change).
    queryset = Hazard.objects.alias(found=Unindexed("found_at"), due=Unindexed("deadline")).filter(
        Q(level=Level.MAJOR)
        & Hazard.objects.overdue_at_q(month.end_at, month.end, found="found", deadline="due")
    )
    return _grouped(queryset, n=Count("id"))


def _accidents_between(start_at, end_at):
    return _grouped(
        Accident.objects.filter(occurred_at__gte=start_at, occurred_at__lt=end_at),
        n=Count("id"),
        deaths=Sum("deaths"),
        larger=Count("id", filter=Q(level__in=LARGER_LEVELS)),
    )


def _accidents(month):
    return _accidents_between(month.start_at, month.end_at)


def _a_year_before(day):
    return (
        day.replace(year=day.year - 1, day=min(day.day, 28))
        if day.month == 2
        else day.replace(year=day.year - 1)
    )


def _accidents_last_year(month):
    start, end = month_bounds(_a_year_before(month.start))
    return _accidents_between(_at(start), _at(end + datetime.timedelta(days=1)))


def _planned_q(month):
    return Q(
        plan__status__in=ISSUED_PLANS, plan__ends_on__gte=month.start, plan__ends_on__lte=month.end
    ) & ~Q(status=Inspection.Status.CANCELLED)


def _done_in_month_q(month):
    return Q(status=Inspection.Status.DONE, finished_at__gte=month.start_at, finished_at__lt=month.end_at)


def _planned(month):
    done = Q(status=Inspection.Status.DONE, finished_at__lt=month.end_at)
    return _grouped(
        Inspection.objects.filter(_planned_q(month)), planned=Count("id"), done=Count("id", filter=done)
    )


def _inspections_done(month):
    return _grouped(Inspection.objects.filter(_done_in_month_q(month), is_self=False), n=Count("id"))


def _self_checked(month):
    queryset = Inspection.objects.filter(
        _done_in_month_q(month), is_self=True, subject__kind=Subject.Kind.ENTERPRISE
    )
    return _grouped(queryset, n=Count("subject_id", distinct=True))


# --- the indicators ------------------------------------------------------------------------------


def _accidents_value(month, town):
    row = month.once("accidents", _accidents).get(town, {})
    return Value(Decimal(row.get("n", 0)), {"accidents": row.get("n", 0), "larger": row.get("larger", 0)})


def _deaths_value(month, town):
    deaths = month.once("accidents", _accidents).get(town, {}).get("deaths") or 0
    return Value(Decimal(deaths), {"deaths": deaths})


def _deaths_yoy_value(month, town):
    now = month.once("accidents", _accidents).get(town, {}).get("deaths") or 0
    before = month.once("accidents_last_year", _accidents_last_year).get(town, {}).get("deaths") or 0
    return Value(Decimal(now - before), {"deaths": now, "deaths_last_year": before})


def _found_detail(month, town):
    counts = month.once("found", _found).get(town, {})
    enterprises = month.once("enterprises", _enterprises).get(town, 0)
    detail = {k: counts.get(k, 0) for k in ("active", "others", "active_weighted", "others_weighted")}
    return detail, enterprises


def _active_share_value(month, town):
    detail, _enterprises_ = _found_detail(month, town)
    weighted = detail["active_weighted"] + detail["others_weighted"]
    return Value(ratio(detail["active_weighted"], weighted), detail)


def _active_per_100_value(month, town):
    detail, enterprises = _found_detail(month, town)
    return Value(
        ratio(detail["active"], enterprises, HUNDRED),
        {"active": detail["active"], "enterprises": enterprises},
    )


def _passive_per_100_value(month, town):
    detail, enterprises = _found_detail(month, town)
    return Value(
        ratio(detail["others"], enterprises, HUNDRED),
        {"others": detail["others"], "enterprises": enterprises},
    )


def _on_time_value(month, town):
    row = month.once("due", _due).get(town, {})
    due, on_time = row.get("due", 0), row.get("on_time", 0)
    return Value(ratio(on_time, due), {"due": due, "on_time": on_time, "late": due - on_time})


def _overdue_major_value(month, town):
    n = month.once("overdue_major", _overdue_major).get(town, {}).get("n", 0)
    return Value(Decimal(n), {"overdue_major": n})


def _inspections_done_value(month, town):
    row = month.once("planned", _planned).get(town, {})
    planned, done = row.get("planned", 0), row.get("done", 0)
    return Value(ratio(done, planned), {"planned": planned, "done": done})


def _hazards_per_inspection_value(month, town):
    inspections = month.once("inspections_done", _inspections_done).get(town, {}).get("n", 0)
    hazards = month.once("found", _found).get(town, {}).get("by_inspection", 0)
    return Value(ratio(hazards, inspections), {"hazards": hazards, "inspections": inspections})


def _self_check_value(month, town):
    checked = month.once("self_checked", _self_checked).get(town, {}).get("n", 0)
    enterprises = month.once("enterprises", _enterprises).get(town, 0)
    return Value(ratio(checked, enterprises), {"checked": checked, "enterprises": enterprises})


def _plan_reports_value(month, town):
    row = month.once("plan_reports", plan_reports).get(town, {"due": 0, "on_time": 0})
    return Value(ratio(row["on_time"], row["due"]), dict(row))


# --- the records behind a number -----------------------------------------------------------------


def _month_of(town, month_start, month_end):
    return Month(month_start, month_end, [town])


def _hazards(user, town):
    return Hazard.objects.visible_to(user).filter(town=town)


def _found_records(user, town, month_start, month_end, side=None):
    month = _month_of(town, month_start, month_end)
    queryset = _hazards(user, town).filter(found_at__gte=month.start_at, found_at__lt=month.end_at)
    active = Q(source__in=ACTIVE_SOURCES) | Q(found_by_id__in=town_staff([town]).get(town.pk, ()))
    if side == "active":
        return queryset.filter(active)
    if side == "others":
        return queryset.exclude(active)
    return queryset


def _accident_records(user, town, month_start, month_end, last_year=False):
    month = _month_of(town, month_start, month_end)
    when = Q(occurred_at__gte=month.start_at, occurred_at__lt=month.end_at)
    if last_year:
        start, end = month_bounds(_a_year_before(month_start))
        when |= Q(occurred_at__gte=_at(start), occurred_at__lt=_at(end + datetime.timedelta(days=1)))
    return Accident.objects.visible_to(user).filter(when, town=town)


def _due_records(user, town, month_start, month_end):
    return _hazards(user, town).filter(deadline__gte=month_start, deadline__lte=month_end)


def _overdue_major_records(user, town, month_start, month_end):
    return _hazards(user, town).filter(_overdue_major_q(_month_of(town, month_start, month_end)))


def _planned_records(user, town, month_start, month_end):
    month = _month_of(town, month_start, month_end)
    return Inspection.objects.visible_to(user).filter(_planned_q(month), town=town)


def _inspection_hazard_records(user, town, month_start, month_end):
    return _found_records(user, town, month_start, month_end).filter(source=Source.INSPECTION)


def _self_check_records(user, town, month_start, month_end):
    month = _month_of(town, month_start, month_end)
    return Inspection.objects.visible_to(user).filter(
        _done_in_month_q(month), town=town, is_self=True, subject__kind=Subject.Kind.ENTERPRISE
    )


# --- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    description: str
    value_of: object  # (Month, town_id) -> Value
    records_of: object  # (user, town, month_start, month_end) -> QuerySet
    records_model: str  # app_label.model of what records() returns
    direction: str = "higher"
    normalisation: str = "minmax"
    weight: Decimal = Decimal(0)
    target: Decimal | None = None

    def compute(self, month_start, month_end, towns, month=None):
        """{town_id: Value} for every town; `month` shares the queries with other indicators."""
        month = month or Month(month_start, month_end, towns)
        return {town.pk: self.value_of(month, town.pk) for town in month.towns}

    def records(self, user, town, month_start, month_end):
        return self.records_of(user, town, month_start, month_end)


def _indicator(code, name, unit, description, value_of, records_of, records_model):
    direction, normalisation, weight, target = DEFAULTS[code]
    return Indicator(
        code,
        name,
        unit,
        description,
        value_of,
        records_of,
        records_model,
        direction,
        normalisation,
        weight,
        target,
    )


def _side(side):
    return lambda user, town, start, end: _found_records(user, town, start, end, side)


HAZARD, INSPECTION, ACCIDENT = "hazards.hazard", "inspections.inspection", "accidents.accident"

REGISTRY = {
    i.code: i
    for i in (
        _indicator(
            "accidents",
            _("事故起数"),
            _("起"),
            _("本月发生在本镇街的生产安全事故起数"),
            _accidents_value,
            _accident_records,
            ACCIDENT,
        ),
        _indicator(
            "deaths",
            _("死亡人数"),
            _("人"),
            _("本月生产安全事故死亡人数"),
            _deaths_value,
            _accident_records,
            ACCIDENT,
        ),
        _indicator(
            "deaths_yoy",
            _("死亡人数同比变化"),
            _("人"),
            _("本月死亡人数减去上年同月死亡人数（负数为下降）"),
            _deaths_yoy_value,
            lambda user, town, start, end: _accident_records(user, town, start, end, last_year=True),
            ACCIDENT,
        ),
        _indicator(
            "active_share",
            _("主动发现隐患占比"),
            "",
            _(
                "本月发现隐患中由本镇街主动发现（镇街、网格人员发现，网格巡查，企业自查）的占比，"
                "重大隐患按5、一般隐患按1加权"
            ),
            _active_share_value,
            _side(None),
            HAZARD,
        ),
        _indicator(
            "active_per_100",
            _("主动发现隐患数每百家企业"),
            _("项/百家"),
            _("本月本镇街主动发现的隐患数 ÷ 辖区企业数 × 100"),
            _active_per_100_value,
            _side("active"),
            HAZARD,
        ),
        _indicator(
            "passive_per_100",
            _("被动发现（他人发现）隐患数每百家企业"),
            _("项/百家"),
            _("本月由市级部门检查、群众举报、监测预警等他人发现的隐患数 ÷ 辖区企业数 × 100"),
            _passive_per_100_value,
            _side("others"),
            HAZARD,
        ),
        _indicator(
            "on_time_rate",
            _("隐患按期整改率"),
            "",
            _("整改期限在本月的隐患中，在期限内提交整改的占比"),
            _on_time_value,
            _due_records,
            HAZARD,
        ),
        _indicator(
            "overdue_major",
            _("逾期未整改重大隐患数"),
            _("项"),
            _("月末已过整改期限、尚未提交整改的重大隐患数"),
            _overdue_major_value,
            _overdue_major_records,
            HAZARD,
        ),
        _indicator(
            "inspections_done_rate",
            _("检查计划完成率"),
            "",
            _("本月结束的已下达检查计划中，本镇街检查对象已完成检查的占比（不含已取消）"),
            _inspections_done_value,
            _planned_records,
            INSPECTION,
        ),
        _indicator(
            "hazards_per_inspection",
            _("每次检查发现隐患数"),
            _("项/次"),
            _("本月监督检查发现的隐患数 ÷ 本月完成的监督检查次数（不含企业自查）"),
            _hazards_per_inspection_value,
            _inspection_hazard_records,
            HAZARD,
        ),
        _indicator(
            "self_check_rate",
            _("企业自查覆盖率"),
            "",
            _("本月完成至少一次自查的企业数 ÷ 辖区企业数"),
            _self_check_value,
            _self_check_records,
            INSPECTION,
        ),
        _indicator(
            "plan_reports_on_time",
            _("工作要点按时报送率"),
            "",
            _("报送期截止在本月的工作要点任务中，本镇街按时报送进展的占比；本月无报送任务为无数据"),
            _plan_reports_value,
            plan_report_records,
            "plans.progressreport",
        ),
    )
}


def compute_all(month_start, month_end, towns, codes=None, month=None, progress=None):
    """{town_id: {code: Value}} of the indicators `codes` (default: all), sharing their queries (and
    those of `month`, a Month the caller keeps to ask for the enterprises and the veto too).
    `progress(done, total, message)`, when given, is told before each indicator."""
    month = month or Month(month_start, month_end, towns)
    values = {town.pk: {} for town in month.towns}
    codes = list(codes or REGISTRY)
    for done, code in enumerate(codes):
        if progress:
            progress(done, len(codes), _("正在计算指标：%(name)s") % {"name": REGISTRY[code].name})
        for town_id, value in REGISTRY[code].compute(month_start, month_end, towns, month=month).items():
            values[town_id][code] = value
    return values


def larger_accidents(month_start, month_end, towns, month=None):
    """{town_id: number of 较大 or worse accidents} in the month, for the veto."""
    month = month or Month(month_start, month_end, towns)
    found = month.once("accidents", _accidents)
    return {t.pk: found[t.pk]["larger"] for t in month.towns if found.get(t.pk, {}).get("larger")}
