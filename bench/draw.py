"""Time the double-random draw: a plan over every subject of the data set (40,000 at city scale),
500 inspectors, 1,000 targets with 2 inspectors each.

Two lines, in the format of the others:

    draw_pool ratio 1.52 (app 180.0 ms, raw 118.3 ms)
    draw_1000x2 ratio 9.80 (draw 640.2 ms, algorithm 65.3 ms)

The 500 inspectors (created once) carry some conflicts: 50 avoid a subject, 10 a whole town.
`draw_pool`: the pool as `services_draw.build_pool` assembles it (ORM: subjects, inspectors,
conflicts, canonical shape) against the same queries written by hand in SQL, rows fetched.
`draw_1000x2`: `commit_draw` + `perform_draw` (pool, hashes, the draw, 1,000 inspections and their
inspectors inserted, audit) against `draw.run_draw` alone on the frozen pool. Each commit and draw
runs in a transaction that is rolled back after timing, so the data set does not grow.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.inspections import draw as algorithm
from anjian.inspections import services_draw
from anjian.inspections.models import AvoidanceRule, InspectionPlan
from anjian.org.models import Person, Role, RoleAssignment, Territory, Unit

INSPECTORS = 500
TARGETS = 1_000
PER_TARGET = 2
UNIT = "市应急管理局"
PLAN = "bench 双随机抽查"
USER_PREFIX = "bench_insp_"
DRAW_REPEAT = 3  # a commit and draw insert a thousand rows; three runs are enough for a median


class _Rollback(Exception):
    pass


def ensure_inspectors(count=INSPECTORS):
    """`count` inspector accounts of the bureau (bench_insp_000…), created once, in bulk: no
    password hashing, one `bulk` audit entry for the rows and no per-row signals."""
    User = get_user_model()
    unit = Unit.objects.get(name=UNIT)
    names = [f"{USER_PREFIX}{i:03d}" for i in range(count)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    fresh = [User(username=name) for name in names if name not in existing]
    for user in fresh:
        user.set_unusable_password()
    with audit.bulk_load("bench inspectors", actor=system_actor("bench"), summary={"users": len(fresh)}):
        User.objects.bulk_create(fresh)
        users = list(User.objects.filter(username__in=[u.username for u in fresh]))
        Person.objects.bulk_create(Person(name=f"检查员{u.username[-3:]}", unit=unit, user=u) for u in users)
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=u, role=Role.INSPECTOR, unit=unit) for u in users
        )
        if not AvoidanceRule.objects.filter(inspector__username__startswith=USER_PREFIX).exists():
            _avoidances(list(User.objects.filter(username__in=names).order_by("username")))
    return len(names)


def _avoidances(users):
    """Some conflicts for the draw to respect: every 10th inspector avoids a subject, every 50th a
    whole town."""
    from anjian.registry.models import Subject

    subject_ids = list(Subject.objects.order_by("id").values_list("id", flat=True)[: len(users)])
    towns = list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))
    rules = [
        AvoidanceRule(inspector=u, subject_id=subject_ids[i], reason="亲属")
        for i, u in enumerate(users)
        if i % 10 == 0 and i < len(subject_ids)
    ]
    rules += [
        AvoidanceRule(inspector=u, territory=towns[i % len(towns)], reason="曾任职")
        for i, u in enumerate(users)
        if i % 50 == 0 and towns
    ]
    with audit.bulk_load("bench avoidances", actor=system_actor("bench"), summary={"rules": len(rules)}):
        AvoidanceRule.objects.bulk_create(rules)


def ensure_plan():
    """A draw plan of the bureau over every subject (an empty rule): the largest pool there is."""
    from anjian.checklists.models import Checklist
    from anjian.testing import make_checklist

    plan = InspectionPlan.objects.filter(name=PLAN).first()
    if plan is not None:
        return plan
    checklist = Checklist.objects.filter(code="bench-draw").first()
    version = checklist.versions.first() if checklist else make_checklist("bench-draw")
    today = timezone.localdate()
    return InspectionPlan.objects.create(
        name=PLAN,
        kind="comprehensive",
        status=InspectionPlan.Status.ISSUED,
        starts_on=today,
        ends_on=today,
        organiser=Unit.objects.get(name=UNIT),
        territory=Territory.objects.get(level=Territory.Level.CITY),
        checklist_version=version,
        target_mode="draw",
        is_synthetic=True,
    )


def raw_pool(plan):
    """The pool's queries by hand: subjects (the plan's rule is empty: all of them), the units'
    inspectors, and the three conflict sources restricted to those inspectors."""
    units = [plan.organiser_id, *plan.units.values_list("pk", flat=True)]
    marks = ", ".join(["%s"] * len(units))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, territory_path, parent_id, risk_grade FROM registry_subject ORDER BY id")
        subjects = cursor.fetchall()
        cursor.execute(
            "SELECT DISTINCT ra.user_id FROM org_roleassignment ra JOIN auth_user u ON u.id = ra.user_id"
            f" WHERE ra.role = 'inspector' AND ra.unit_id IN ({marks}) AND u.is_active ORDER BY ra.user_id",
            units,
        )
        inspectors = [row[0] for row in cursor.fetchall()]
        ids = ", ".join(str(int(uid)) for uid in inspectors) or "NULL"
        cursor.execute(
            "SELECT a.subject_id, t.path, a.inspector_id FROM inspections_avoidancerule a"
            f" LEFT JOIN org_territory t ON t.id = a.territory_id WHERE a.inspector_id IN ({ids})"
        )
        avoid = cursor.fetchall()
        cursor.execute(
            "SELECT ra.role, ra.subject_id, t.path, ra.user_id FROM org_roleassignment ra"
            " LEFT JOIN org_territory t ON t.id = ra.territory_id"
            f" WHERE ra.role IN ('enterprise', 'grid') AND ra.user_id IN ({ids})"
        )
        roles = cursor.fetchall()
    return subjects, inspectors, avoid, roles


def _median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _commit_and_draw(actor, plan, targets, timings):
    """Commit and draw, timed, then roll the whole thing back."""
    try:
        with transaction.atomic():
            start = time.perf_counter()
            draw = services_draw.commit_draw(actor, plan, targets, PER_TARGET)
            services_draw.perform_draw(actor, draw)
            timings.append(((time.perf_counter() - start) * 1000, draw.pool, draw.seed))
            raise _Rollback
    except _Rollback:
        pass


def run(repeat, out=print, only="", targets=TARGETS):
    """Time the pool and the draw; print two lines; return {name: {...}} like bench.run.run."""
    from .timing import format_line, median_pair

    names = ("draw_pool", f"draw_{targets}x{PER_TARGET}")
    if not any(only in name for name in names):
        return {}
    ensure_inspectors()
    plan = ensure_plan()
    actor = get_user_model().objects.get(username="bench_dept")
    results = {}
    if only in names[0]:
        app_ms, raw_ms = median_pair(lambda: services_draw.build_pool(plan), lambda: raw_pool(plan), repeat)
        results[names[0]] = {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms}
        out(format_line(names[0], app_ms, raw_ms))
    if only in names[1]:
        timings = []
        for _ in range(min(repeat, DRAW_REPEAT)):
            _commit_and_draw(actor, plan, targets, timings)
        draw_ms = statistics.median(t[0] for t in timings)
        _ms, pool, seed = timings[-1]
        algo_ms = _median_ms(lambda: algorithm.run_draw(seed, pool, targets, PER_TARGET), repeat)
        results[names[1]] = {"app_ms": draw_ms, "raw_ms": algo_ms, "ratio": draw_ms / algo_ms}
        out(format_line(names[1], draw_ms, algo_ms, ("draw", "algorithm")))
    return results
