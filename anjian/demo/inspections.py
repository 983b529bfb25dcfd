"""Demo inspections: the checklist library, a town's double-random plan drawn and partly done on
phones, a city thematic plan, a joint plan, one 举一反三 plan, and enterprises' self-inspections
(with some enterprises missing last month's head-led check).

Everything goes through the services a user's clicks would call, except the bulk self-inspection
history of past months, which is inserted directly (services stamp today's date). Built once: a
database that already holds a synthetic plan is left as it is.
"""

import base64
import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from anjian.checklists.library import load_library
from anjian.checklists.models import Checklist
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards.models import Hazard
from anjian.inspections import services_conduct, services_draw, services_plans
from anjian.inspections.models import Draw, Inspection, InspectionPlan, ItemResult, Kind, TargetMode
from anjian.inspections.targets import plan_pool
from anjian.org.models import Person, Role, RoleAssignment, Territory, Unit
from anjian.registry.models import Subject

from .accounts import DEMO_PASSWORD

SEED = 2023
# Synthetic inspectors (no login is printed for them): (username, name, unit, town or None).
INSPECTORS = (
    ("zeguo_insp_1", "吴俊杰", "泽国镇", "泽国镇"),
    ("zeguo_insp_2", "郑丽娟", "泽国镇", "泽国镇"),
    ("zeguo_insp_3", "孙浩然", "泽国镇", "泽国镇"),
    ("yjj_insp_2", "钱敏", "市应急管理局", None),
    ("yjj_insp_3", "冯志强", "市应急管理局", None),
    ("xf_insp_1", "蒋婷", "市消防救援支队", None),
    ("xf_insp_2", "韩磊", "市消防救援支队", None),
)


def build_inspections(users, progress=print):
    """Create the inspection demo once; returns the number of inspections added."""
    load_library()
    if InspectionPlan.objects.filter(is_synthetic=True).exists():
        return 0
    rng = random.Random(f"{SEED}:inspections")
    inspectors = _ensure_inspectors()
    before = Inspection.objects.count()
    drawn = _town_draw(users, rng)
    progress(f"双随机抽查：抽取 {drawn.inspections.count()} 家，已完成 {_done(drawn)} 家")
    plans = [drawn, _city_fire_plan(users, inspectors)]
    plans.append(_joint_plan(users, inspectors, rng))
    progress(f"联合检查：已完成 {_done(plans[-1])} 家")
    lessons = _lessons(users)
    if lessons:
        plans.append(lessons)
        progress(f"举一反三：{lessons.name}（{lessons.inspections.count()} 家）")
    added = _self_inspections(users, rng)
    progress(f"企业自查：{added} 次（含主要负责人带队检查）")
    _mark_synthetic(plans, users)
    return Inspection.objects.count() - before


def _done(plan):
    return plan.inspections.filter(status=Inspection.Status.DONE).count()


def _mark_synthetic(plans, users):
    """What the services made for the demo is demo data too, and says so (one `bulk` entry)."""
    own = users["zeguo_enterprise"].roles.get(role=Role.ENTERPRISE).subject
    with audit.bulk_load("demo.synthetic", actor=system_actor("init-demo")) as summary:
        summary["plans"] = InspectionPlan.objects.filter(pk__in=[plan.pk for plan in plans]).update(
            is_synthetic=True
        )
        summary["inspections"] = Inspection.objects.filter(
            Q(plan__in=plans) | Q(subject=own, is_self=True)
        ).update(is_synthetic=True)
        summary["hazards"] = Hazard.objects.filter(inspection_result__inspection__is_synthetic=True).update(
            is_synthetic=True
        )
        summary["draws"] = Draw.objects.filter(plan__in=plans).update(is_synthetic=True)


def _ensure_inspectors():
    User = get_user_model()
    made = {}
    for username, name, unit_name, town_name in INSPECTORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
        unit = Unit.objects.get(name=unit_name)
        Person.objects.get_or_create(user=user, defaults={"name": name, "unit": unit, "title": "检查员"})
        territory = Territory.objects.get(name=town_name, level=Territory.Level.TOWN) if town_name else None
        RoleAssignment.objects.get_or_create(user=user, role=Role.INSPECTOR, unit=unit, territory=territory)
        made[username] = user
    return made


def checklist_for(sector, category=None):
    """The current version of the sector's checklist (or of a category), else the generic one."""
    query = Q(category=category) if category else Q(sector_id=sector, category=Checklist.Category.SECTOR)
    checklist = Checklist.objects.filter(query).first() or Checklist.objects.get(
        category=Checklist.Category.GENERIC
    )
    return checklist.current_version()


def _town(name):
    return Territory.objects.get(name=name, level=Territory.Level.TOWN)


def _town_draw(users, rng):
    actor = users["zeguo_town"]
    today = timezone.localdate()
    plan = services_plans.create_plan(
        actor,
        name=f"泽国镇{today.year}年工贸企业“双随机、一公开”抽查",
        kind=Kind.COMPREHENSIVE,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=20),
        organiser=Unit.objects.get(name="泽国镇"),
        units=[Unit.objects.get(name="市应急管理局")],
        checklist_version=checklist_for("industry_trade"),
        target_mode=TargetMode.DRAW,
        target_sectors=["industry_trade"],
        target_territories=[_town("泽国镇")],
        note="从辖区工贸企业中随机抽取检查对象，随机匹配检查人员，结果向社会公开。",
    )
    services_plans.issue_plan(actor, plan)
    pool = plan_pool(plan).count()  # a small demo (tests) may hold fewer than 12
    if pool == 0:
        return plan
    draw = services_draw.commit_draw(actor, plan, min(12, pool), inspectors_per_target=2)
    services_draw.perform_draw(actor, draw)
    keep_for_phone = users["yjj_inspector"]
    left_one = False
    for inspection in plan.inspections.order_by("id"):
        team = list(inspection.inspectors.all())
        if keep_for_phone in team and not left_one:
            left_one = True  # 陈刚 has one drawn inspection waiting on his phone
            continue
        if rng.random() < 0.75:
            _conduct(inspection, team[0], rng)
    return plan


def _city_fire_plan(users, inspectors):
    actor = users["city_office"]
    today = timezone.localdate()
    plan = services_plans.create_plan(
        actor,
        name="大溪镇人员密集场所消防安全专项检查",
        kind=Kind.THEMATIC,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=45),
        organiser=Unit.objects.get(name="市安委办"),
        units=[Unit.objects.get(name="市消防救援支队")],
        checklist_version=checklist_for("fire", Checklist.Category.CROWDED_FIRE),
        target_mode=TargetMode.RULE,
        target_sectors=["fire"],
        target_territories=[_town("大溪镇")],
        target_risk_grades=["red", "orange"],
    )
    if plan_pool(plan).exists():
        services_plans.issue_plan(actor, plan, inspectors=[inspectors["xf_insp_1"], inspectors["xf_insp_2"]])
    return plan


def _joint_plan(users, inspectors, rng):
    actor = users["yjj_dept"]
    today = timezone.localdate()
    plan = services_plans.create_plan(
        actor,
        name="危险化学品企业联合执法检查",
        kind=Kind.JOINT,
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=25),
        organiser=Unit.objects.get(name="市应急管理局"),
        units=[Unit.objects.get(name="市公安局"), Unit.objects.get(name="市市场监管局")],
        checklist_version=checklist_for("hazardous_chemicals"),
        target_mode=TargetMode.RULE,
        target_sectors=["hazardous_chemicals"],
        not_inspected_months=6,
    )
    if not plan_pool(plan).exists():
        return plan
    team = [users["yjj_inspector"], inspectors["yjj_insp_2"]]
    services_plans.issue_plan(actor, plan, inspectors=team)
    for inspection in plan.inspections.order_by("id")[:3]:
        _conduct(inspection, inspectors["yjj_insp_2"], rng)
    return plan


def _lessons(users):
    """举一反三 from the first hazard the town's draw found."""
    result = (
        ItemResult.objects.filter(hazard__isnull=False, inspection__plan__kind=Kind.COMPREHENSIVE)
        .select_related("hazard")
        .order_by("-hazard__level", "id")
        .first()
    )
    if result is None:
        return None
    return services_plans.propagate_lessons(users["zeguo_town"], result.hazard, _town("泽国镇"))


def _conduct(inspection, inspector, rng, fail_rate=0.08):
    services_conduct.start(inspector, inspection)
    subject = inspection.subject
    if subject.lat is not None:
        services_conduct.record_location(inspector, inspection, subject.lat, subject.lon, 12.0)
    for item in inspection.items():
        failed = rng.random() < (fail_rate / 3 if item.major_by_rule else fail_rate)
        outcome = "fail" if failed else ("na" if rng.random() < 0.05 else "pass")
        note = f"不符合：{item.text[:40]}" if failed else ""
        services_conduct.record_result(inspector, inspection, item.pk, outcome, note)
    services_conduct.sign(inspector, inspection, "inspector", signature_png(inspector.person.name))
    if not inspection.is_self and inspection.kind != Kind.UNANNOUNCED:
        services_conduct.sign(inspector, inspection, "contact", signature_png(subject.contact_name or "企业"))
    return services_conduct.finish(
        inspector, inspection, summary="按检查表逐项检查。", contact_name=subject.contact_name or "企业负责人"
    )


def signature_png(text, seed=0):
    """A hand-drawn-looking stroke as a PNG data URL (demo signatures)."""
    rng = random.Random(f"{text}:{seed}")
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 26, 50 + rng.randint(-30, 30)) for i in range(11)]
    draw.line(points, fill=(20, 20, 60, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _self_inspections(users, rng):
    """The demo enterprise checks itself every month, led by its head except one month; the
    enterprises of 泽国镇 and 大溪镇 mostly do their head-led check each month."""
    enterprise_user = users["zeguo_enterprise"]
    own = enterprise_user.roles.get(role=Role.ENTERPRISE).subject
    version = checklist_for(own.sector_id)
    inspection = services_plans.start_self_inspection(
        enterprise_user, own, version, led_by_head=True, head_name=own.contact_name or "企业负责人"
    )
    _conduct(inspection, enterprise_user, rng, fail_rate=0.15)
    return 1 + _bulk_history(own, rng)


def _bulk_history(own, rng, months=6):
    today = timezone.localdate()
    towns = [_town("泽国镇"), _town("大溪镇")]
    subjects = list(
        Subject.objects.filter(kind=Subject.Kind.ENTERPRISE, town__in=towns, is_synthetic=True).order_by("id")
    )
    versions = {}
    rows = []
    for back in range(1, months + 1):
        first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        for _ in range(back - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        for subject in subjects:
            # The demo enterprise missed one month (shown on its log); others miss now and then.
            missed = back == 2 if subject.pk == own.pk else rng.random() < 0.18
            if missed:
                continue
            if subject.sector_id not in versions:
                versions[subject.sector_id] = checklist_for(subject.sector_id)
            day = first + datetime.timedelta(days=rng.randint(2, 25))
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
            rows.append(_history_row(subject, versions[subject.sector_id], at, len(rows)))
    with audit.bulk_load("demo.inspections", actor=system_actor("init-demo"), summary={"history": len(rows)}):
        created = Inspection.objects.bulk_create(rows, batch_size=2000)
        # created_at is stamped "now" on insert; the history rows were created when they happened.
        ids = [row.pk for row in created]
        for start in range(0, len(ids), 2000):
            Inspection.objects.filter(pk__in=ids[start : start + 2000]).update(created_at=F("started_at"))
    return len(rows)


def _history_row(subject, version, at, n):
    return Inspection(
        code=f"ZC{at:%Y%m}H{n:06d}",
        subject=subject,
        kind=Kind.COMPREHENSIVE,
        is_self=True,
        led_by_head=True,
        head_name=subject.contact_name or "企业负责人",
        checklist_version=version,
        status=Inspection.Status.DONE,
        started_at=at,
        finished_at=at + datetime.timedelta(hours=2),
        summary="主要负责人带队开展月度安全检查。",
        territory_path=subject.territory_path,
        town_id=subject.town_id,
        sector_id=subject.sector_id,
        is_synthetic=True,
    )
