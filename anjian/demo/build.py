"""Build (or top up) the demo database: `anjian init-demo` calls `build_demo`.

Idempotent: the organisation and accounts are created with get-or-create; the synthetic subjects
and hazards are numbered, and a run only adds the numbers that are missing. Bulk rows are seeding
(audit.bulk_load): each batch writes one `bulk` entry, and each run one `demo` entry naming what it
loaded.
"""

import random

from django.db import connection
from django.db.models import Max

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.hazards.models import Hazard, HazardEvent
from anjian.org.models import Unit
from anjian.org.seed import build_organisation
from anjian.registry.models import Subject
from anjian.workdays.services import seed_from_package

from . import hazards as hazard_gen
from . import subjects as subject_gen
from .accidents import build_accidents
from .accounts import ensure_accounts
from .boundaries import build_boundaries
from .inspections import build_inspections
from .installations import build_installations
from .notifications import build_notifications
from .plans import build_plans
from .ranking import build_rankings
from .risks import build_risk_registers

DEFAULT_SUBJECTS = 2_000
DEFAULT_HAZARDS = 10_000
ACTOR = system_actor("init-demo")
HIGH_ACTIVITY_SECTORS = {"industry_trade", "hazardous_chemicals", "fire", "construction", "metallurgy"}


def build_demo(subjects=DEFAULT_SUBJECTS, hazards=DEFAULT_HAZARDS, progress=print):
    """Make the demo data set hold at least `subjects` synthetic subjects and `hazards` synthetic
    hazards. Returns the counts added in this run."""
    _fast_writes()
    # One transaction; the rows written in bulk (subjects, hazards, registers...) are seeding, each
    # batch with its own `bulk` entry, and this block ends with one `demo` entry saying what the run
    # loaded. Whatever no service names an actor for is done by the system actor "init-demo".
    with acting_as(ACTOR), audit.bulk_load("demo", actor=ACTOR, summary={"synthetic": True}) as summary:
        build_organisation()
        progress("组织机构：已就绪")
        # Before anything counts working days (the plans' and the reminders' deadlines).
        seeded = seed_from_package(ACTOR)
        progress(f"节假日与调休：新增 {seeded['added']}，更新 {seeded['updated']}")
        users = ensure_accounts()
        progress(f"演示账号：{len(users)} 个")
        added_subjects = subject_gen.insert_subjects(subjects)
        progress(f"合成监管对象：新增 {added_subjects}，共 {subject_gen.demo_subjects().count()}")
        added_hazards, added_events = _top_up_hazards(hazards, users)
        progress(f"合成隐患：新增 {added_hazards}（事件 {added_events}），共 {demo_hazards().count()}")
        added_inspections = build_inspections(users, progress=progress)
        build_plans(users, progress=progress)
        # After the inspections: the registers link their measures to the checklist library and to the
        # hazards the demo inspections raised; installations act through the office's account.
        build_boundaries(progress=progress)
        build_installations(progress=progress)
        build_accidents(progress=progress)
        # Re-grades every subject at its end, accidents included; the rankings then read it all.
        build_risk_registers(progress=progress)
        build_rankings(progress=progress)
        # Last: the scheduler's reminders replayed over everything above (the story in notifications.py).
        build_notifications(users, progress=progress)
        summary.update(
            subjects_added=added_subjects,
            hazards_added=added_hazards,
            events_added=added_events,
            subjects_total=subject_gen.demo_subjects().count(),
            hazards_total=demo_hazards().count(),
        )
        if not (added_subjects or added_hazards):
            summary.clear()  # a run that adds nothing writes no entry: running twice changes nothing
    return {
        "subjects": added_subjects,
        "hazards": added_hazards,
        "events": added_events,
        "inspections": added_inspections,
    }


def demo_hazards():
    """The bulk-generated hazards (those found by the demo inspections came through the services)."""
    return Hazard.objects.filter(is_synthetic=True, inspection_result__isnull=True)


def _top_up_hazards(total, users):
    have = demo_hazards().count()
    if have >= total:
        return 0, 0
    targets = _targets()
    enterprise = users["zeguo_enterprise"].roles.get().subject
    showcase = _target(enterprise, weight=0)
    first_id = (Hazard.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    cast = hazard_gen.Cast(
        users=users,
        enterprise_id=enterprise.pk,
        grid_id=enterprise.grid_id,
        unit_sectors={
            unit.name: {sector.code for sector in unit.sectors.all()}
            for unit in Unit.objects.filter(name__in=["市应急管理局", "市住房和城乡建设局"]).prefetch_related(
                "sectors"
            )
        },
    )
    new_hazards, events = hazard_gen.build_hazards(have, total - have, targets, showcase, cast, first_id)
    hazard_gen.insert(new_hazards, events)
    return len(new_hazards), len(events)


def _targets():
    rows = subject_gen.demo_subjects().select_related("town", "supervising_unit").order_by("id")
    targets = []
    for subject in rows:
        # A few subjects account for many hazards: heavy-tailed activity, seeded per subject.
        rng = random.Random(f"{subject_gen.SEED}:activity:{subject.attributes.get('demo_no')}")
        weight = min(rng.paretovariate(1.5), 30) * (2 if subject.sector_id in HIGH_ACTIVITY_SECTORS else 1)
        targets.append(_target(subject, weight))
    if not targets:
        raise ValueError("演示隐患需要至少一个合成监管对象（--enterprises 须大于 0）")
    return targets


def _target(subject, weight):
    return hazard_gen.Target(
        id=subject.pk,
        name=subject.name,
        town_id=subject.town_id,
        town_name=subject.town.name if subject.town else "",
        grid_id=subject.grid_id,
        territory_path=subject.territory_path,
        sector_id=subject.sector_id,
        unit_id=subject.supervising_unit_id,
        unit_name=subject.supervising_unit.name if subject.supervising_unit else "",
        contact=subject.contact_name or "企业负责人",
        weight=weight,
    )


def _fast_writes():
    """SQLite: a demo database can be rebuilt, so relax syncing while the bulk rows go in."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")


def counts():
    return {
        "subjects": Subject.objects.count(),
        "hazards": Hazard.objects.count(),
        "events": HazardEvent.objects.count(),
    }
