"""Time one month's ranking of the towns (issue 6): the application's path
(`anjian.ranking.services.compute_run`: every indicator's grouped queries, scoring and ranking, the
run and its 17 town scores saved) against the same indicator values computed by hand-written SQL.

One line, in the format of the others:

    ranking_month ratio 1.20 (app 900.0 ms, raw 750.0 ms)

The month is the last one ended before today (the data set's hazards span the three years before the
day it was built). The data set gets, once, a few accidents (deterministic, marked synthetic: two a
month over the last two years, every tenth of the 较大 level) so the accident indicators and the veto
have data; it has no inspections or work-plan reports, so those indicators' queries run on empty
tables. The year's scheme is created (with the default set) before timing, as the office sets it
once a year. Each timed application call runs in a transaction rolled back afterwards, so no runs pile up.
Before timing, the values the application froze on its run are compared with the raw SQL's
(`mismatches` in the results; the test requires none).
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.org.models import Territory
from anjian.ranking import services
from anjian.ranking.indicators import SEVERITY, month_bounds

NAME = "ranking_month"
OFFICE = "bench_city"
SEED = 20236
CODE_PREFIX = "SGBENCH"
Q4 = Decimal("0.0001")


def bench_month(today=None):
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def ensure_accidents(today=None):
    """Two accidents a month over the two years before `today`, unless they are there."""
    existing = Accident.objects.filter(code__startswith=CODE_PREFIX).count()
    if existing:
        return existing
    rng = random.Random(SEED)
    towns = list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))
    today = today or timezone.localdate()
    rows = []
    for n in range(48):
        day = today - datetime.timedelta(days=15 * n + rng.randint(0, 14))
        town = rng.choice(towns)
        larger = n % 10 == 3
        rows.append(
            Accident(
                code=f"{CODE_PREFIX}{n:05d}",
                occurred_at=timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(rng.randint(0, 23)))
                ),
                place="bench 事故地点",
                territory=town,
                town=town,
                territory_path=town.path,
                sector_id="industry_trade",
                accident_type="struck",
                deaths=3 if larger else rng.choice((0, 0, 1, 1, 2)),
                level="larger" if larger else "general",
                level_reason="bench",
                is_synthetic=True,
            )
        )
    with audit.bulk_load("bench accidents", actor=system_actor("bench"), summary={"accidents": len(rows)}):
        Accident.objects.bulk_create(rows)
    return len(rows)


# --- the application -----------------------------------------------------------------------------


def frozen_values(run):
    return {s.town_id: {c: cell["value"] for c, cell in s.indicators.items()} for s in run.scores.all()}


def app_ranking(office, month):
    """compute_run as the office calls it, rolled back; the values it froze."""
    with transaction.atomic():
        run = services.compute_run(office, month)
        values = frozen_values(run)
        transaction.set_rollback(True)
    return values


# --- raw SQL -------------------------------------------------------------------------------------


def _dt(day):
    aware = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return connection.ops.adapt_datetimefield_value(aware)


def _d(day):
    return connection.ops.adapt_datefield_value(day)


def _grouped(cursor, sql, params):
    cursor.execute(sql, params)
    return {row[0]: row[1:] for row in cursor.fetchall()}


def _raw_found(cursor, start_at, end_at):
    # Active: a grid patrol or a self-check, or a finder with a TOWN or GRID role inside the town.
    staff = (
        "EXISTS (SELECT 1 FROM org_roleassignment r JOIN org_territory rt ON rt.id = r.territory_id"
        " JOIN org_territory tw ON tw.id = h.town_id WHERE r.user_id = h.found_by_id"
        " AND r.role IN ('town', 'grid') AND substr(rt.path, 1, length(tw.path)) = tw.path)"
    )
    active = f"(h.source IN ('grid_patrol', 'self_check') OR {staff})"
    weight = f"CASE h.level WHEN 'major' THEN {SEVERITY['major']} ELSE {SEVERITY['general']} END"
    # `+ 0`: grouping by the bare column lets SQLite walk the (town, status, path) index over every
    # hazard of the city to skip a sort (see anjian/risks/grading.py); the date range index is better.
    return _grouped(
        cursor,
        f"SELECT h.town_id + 0, SUM(CASE WHEN {active} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {active} THEN 0 ELSE 1 END), SUM(CASE WHEN {active} THEN {weight} ELSE 0 END),"
        f" SUM({weight}), SUM(CASE WHEN h.source = 'inspection' THEN 1 ELSE 0 END)"
        " FROM hazards_hazard h WHERE h.found_at >= %s AND h.found_at < %s GROUP BY h.town_id + 0",
        [start_at, end_at],
    )


def raw_values(month):
    """{town_id: {code: Decimal | None}} of every default indicator, by hand-written SQL."""
    first, last = month_bounds(month)
    start_at, end_at = _dt(first), _dt(last + datetime.timedelta(days=1))
    year_first, year_last = month_bounds(first.replace(year=first.year - 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_territory WHERE level = 'town'")
        towns = [row[0] for row in cursor.fetchall()]
        found = _raw_found(cursor, start_at, end_at)
        enterprises = _grouped(
            cursor,
            "SELECT town_id, COUNT(*) FROM registry_subject WHERE kind = 'enterprise' GROUP BY town_id",
            [],
        )
        due = _grouped(
            cursor,
            "SELECT town_id + 0, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM hazards_hazard"
            " WHERE deadline >= %s AND deadline <= %s GROUP BY town_id + 0",
            [_d(first), _d(last)],
        )
        # A plain scan beats either range index here (both cover nearly the whole table): SQLite's
        # `+column` keeps the planner off them, as the application does.
        plus = "+" if connection.vendor == "sqlite" else ""
        overdue = _grouped(
            cursor,
            f"SELECT town_id + 0, COUNT(*) FROM hazards_hazard WHERE level = 'major' AND {plus}found_at < %s"
            f" AND {plus}deadline <= %s AND (submitted_at IS NULL OR submitted_at >= %s) GROUP BY town_id + 0",
            [end_at, _d(last), end_at],
        )
        this = "occurred_at >= %s AND occurred_at < %s"
        accidents = _grouped(
            cursor,
            f"SELECT town_id, SUM(CASE WHEN {this} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {this} THEN deaths ELSE 0 END), SUM(CASE WHEN {this} THEN 0 ELSE deaths END)"
            f" FROM accidents_accident WHERE ({this}) OR (occurred_at >= %s AND occurred_at < %s)"
            " GROUP BY town_id",
            [start_at, end_at] * 4 + [_dt(year_first), _dt(year_last + datetime.timedelta(days=1))],
        )
        planned = _grouped(
            cursor,
            "SELECT i.town_id, COUNT(*), SUM(CASE WHEN i.status = 'done' AND i.finished_at < %s THEN 1 ELSE 0 END)"
            " FROM inspections_inspection i JOIN inspections_inspectionplan p ON p.id = i.plan_id"
            " WHERE p.status IN ('issued', 'closed') AND p.ends_on >= %s AND p.ends_on <= %s"
            " AND i.status <> 'cancelled' GROUP BY i.town_id",
            [end_at, _d(first), _d(last)],
        )
        done = _grouped(
            cursor,
            "SELECT i.town_id, SUM(CASE WHEN i.is_self THEN 0 ELSE 1 END),"
            " COUNT(DISTINCT CASE WHEN i.is_self AND s.kind = 'enterprise' THEN i.subject_id END)"
            " FROM inspections_inspection i JOIN registry_subject s ON s.id = i.subject_id"
            " WHERE i.status = 'done' AND i.finished_at >= %s AND i.finished_at < %s GROUP BY i.town_id",
            [start_at, end_at],
        )
        reports = _raw_reports(cursor, first, last)
    parts = (found, enterprises, due, overdue, accidents, planned, done, reports)
    return {town: _town_values(town, *parts) for town in towns}


def _raw_reports(cursor, first, last):
    """{town_id: (due, on time)}: the town units' (task, period) pairs due in the month. Submission
    days are local calendar days, compared in Python (a few rows)."""
    cursor.execute(
        "SELECT DISTINCT u.territory_id, tu.task_id, tu.unit_id, p.id, p.deadline FROM plans_taskunit tu"
        " JOIN plans_task t ON t.id = tu.task_id JOIN plans_reportingperiod p ON p.plan_id = t.plan_id"
        " JOIN plans_workplan w ON w.id = p.plan_id JOIN org_unit u ON u.id = tu.unit_id"
        " WHERE w.status = 'accepted' AND t.level <> 'chapter' AND u.kind = 'town'"
        " AND p.deadline >= %s AND p.deadline <= %s",
        [_d(first), _d(last)],
    )
    pairs = cursor.fetchall()
    result = {}
    for town, task, unit, period, deadline in pairs:
        cursor.execute(
            "SELECT submitted_at FROM plans_progressreport WHERE task_id = %s AND unit_id = %s AND period_id = %s",
            [task, unit, period],
        )
        row = cursor.fetchone()
        deadline = deadline if isinstance(deadline, datetime.date) else datetime.date.fromisoformat(deadline)
        on_time = row is not None and timezone.localdate(_aware(row[0])) <= deadline
        due, good = result.get(town, (0, 0))
        result[town] = (due + 1, good + on_time)
    return result


def _aware(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def _rate(numerator, denominator, scale=1):
    return None if not denominator else Decimal(numerator) * scale / Decimal(denominator)


def _town_values(town, found, enterprises, due, overdue, accidents, planned, done, reports):
    active, others, active_w, all_w, by_inspection = found.get(town, (0, 0, 0, 0, 0))
    firms = enterprises.get(town, (0,))[0]
    n_due, on_time = due.get(town, (0, 0))
    n_accidents, deaths, deaths_before = (v or 0 for v in accidents.get(town, (0, 0, 0)))
    n_planned, n_done = planned.get(town, (0, 0))
    inspections, self_checked = done.get(town, (0, 0))
    reports_due, reports_on_time = reports.get(town, (0, 0))
    return {
        "accidents": Decimal(n_accidents),
        "deaths": Decimal(deaths),
        "deaths_yoy": Decimal(deaths - deaths_before),
        "active_share": _rate(active_w, all_w),
        "active_per_100": _rate(active, firms, 100),
        "passive_per_100": _rate(others, firms, 100),
        "on_time_rate": _rate(on_time or 0, n_due),
        "overdue_major": Decimal(overdue.get(town, (0,))[0]),
        "inspections_done_rate": _rate(n_done or 0, n_planned),
        "hazards_per_inspection": _rate(by_inspection, inspections),
        "self_check_rate": _rate(self_checked, firms),
        "plan_reports_on_time": _rate(reports_on_time, reports_due),
    }


# --- the comparison and the run ------------------------------------------------------------------


def _rounded(value):
    return None if value is None else float(Decimal(str(value)).quantize(Q4, rounding=ROUND_HALF_UP))


def mismatches(app, raw):
    """The number of (town, indicator) values that differ, at the 4 places the run stores."""
    wrong = 0
    for town in app.keys() | raw.keys():
        mine, theirs = app.get(town, {}), raw.get(town, {})
        for code in mine.keys() | theirs.keys():
            wrong += _rounded(mine.get(code)) != _rounded(theirs.get(code))
    return wrong


def run(repeat, out=print, only=""):
    """Time compute_run against the raw SQL; print one line; return {name: {...}}."""
    from .timing import format_line, log, median_pair

    if only not in NAME:
        return {}
    accidents = ensure_accidents()
    office = get_user_model().objects.get(username=OFFICE)
    month = bench_month()
    services.ensure_scheme(month.year)  # set once a year, not by each run: committed before timing
    wrong = mismatches(app_ranking(office, month), raw_values(month))
    log(f"{NAME}: {month:%Y-%m}, {accidents} bench accidents; {wrong} values differ between app and raw SQL")
    app_ms, raw_ms = median_pair(lambda: app_ranking(office, month), lambda: raw_values(month), repeat)
    out(format_line(NAME, app_ms, raw_ms))
    return {NAME: {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms, "mismatches": wrong}}
