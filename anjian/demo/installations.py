"""Demo GB 18218 installations: every synthetic hazardous-chemicals enterprise gets a storage or
production unit with a realistic inventory; exactly three are major hazard installations (一级 none,
one 二级, one 三级, one 四级), with their three guarantors and a few checks (one check overdue so the
marker shows); the rest stay below the threshold.

Everything goes through services_installations as the committee office, so the stored evaluation is
the one a user's form would give. Built once: a database that already holds a synthetic installation
is left as it is. Deterministic (one seeded generator).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from anjian.core import audit
from anjian.org.models import Role, Territory
from anjian.registry.models import Subject
from anjian.risks import gb18218
from anjian.risks import services_installations as si
from anjian.risks.models import Installation

from .names import GIVEN, SURNAMES

SEED = 2023
# The three majors, computed by hand (Q, β from GB 18218 Tables 1–4, α from Table 5):
#   液氨 150/10 = 15 (β 2 → 30); LPG 40/50 = 0.8 (W2 β 1.5 → 1.2); S 15.8; 120 people α 2.0;
#     R = 2 × 31.2 = 62.4 → 二级
#   甲醇 800/500 = 1.6 (β 1); 汽油 300/200 = 1.5 (W5.1 β 1.5 → 2.25); LPG 100/50 = 2 (β 1.5 → 3);
#     S 5.1; 150 people α 2.0; R = 2 × 6.85 = 13.7 → 三级
#   甲醇 600/500 = 1.2; 乙醇 200/500 = 0.4 (both W5.3 β 1); S 1.6; 20 people α 1.0; R = 1.6 → 四级
MAJORS = (
    ("泽国镇", "液氨储罐区", "storage", 120, [("液氨", "150", ""), ("液化石油气", "40", "W2")]),
    (
        "大溪镇",
        "油品及液化气储罐区",
        "storage",
        150,
        [("甲醇", "800", "W5.3"), ("汽油", "300", "W5.1"), ("液化石油气", "100", "W2")],
    ),
    (None, "醇类储罐区", "storage", 20, [("甲醇", "600", "W5.3"), ("乙醇", "200", "W5.3")]),
)
# Below-threshold inventories: (unit name, kind, [(substance, category, low t, high t)]).
MINORS = (
    ("甲醇储罐", "storage", [("甲醇", "W5.3", 20, 150), ("乙酸乙酯", "W5.3", 10, 80)]),
    ("成品油库", "storage", [("汽油", "W5.1", 5, 60), ("柴油", "W5.4", 50, 400)]),
    ("液化气充装站", "storage", [("液化石油气", "W2", 2, 15)]),
    ("制冷机房", "production", [("液氨", "", "0.5", 3)]),
    (
        "溶剂仓库",
        "storage",
        [("甲苯", "W5.3", 10, 100), ("二甲苯", "W5.4", 20, 200), ("丙酮", "W5.3", 5, 60)],
    ),
    ("涂料调配车间", "production", [("乙酸乙酯", "W5.3", 2, 30), ("W5.3", None, 10, 120)]),
)
GUARANTORS = (("principal", "总经理"), ("technical", "技术负责人"), ("operational", "储运车间主任"))
# Days since each guarantor's last checks: principal quarterly, technical monthly, operational weekly.
CHECK_AGES = {"principal": (75, 160), "technical": (12, 40), "operational": (2, 9, 16)}


def build_installations(progress=print):
    """Create the installation demo once; returns the number of installations added."""
    if Installation.objects.filter(is_synthetic=True).exists():
        return 0
    subjects = list(
        Subject.objects.filter(
            sector_id="hazardous_chemicals", is_synthetic=True, kind=Subject.Kind.ENTERPRISE
        ).order_by("id")
    )
    actor = _office()
    if not subjects or actor is None:
        progress("危险化学品单元：没有危险化学品企业或市安委办账号，跳过")
        return 0
    rng = random.Random(f"{SEED}:installations")
    majors = _major_subjects(subjects)
    made = []
    for (_town, name, kind, people, lines), subject in zip(MAJORS, majors, strict=False):
        installation = _save(actor, subject, name, kind, people, lines)
        _guarantors(actor, installation, rng)
        made.append(installation)
    for subject in subjects:
        if subject not in majors:
            made.append(_minor(actor, subject, rng))
    audit.update(Installation.objects.filter(pk__in=[i.pk for i in made]), actor=actor, is_synthetic=True)
    grades = sorted(i.grade for i in made if i.is_major)
    progress(f"危险化学品单元：{len(made)} 个，其中重大危险源 {len(grades)} 个（级别 {grades}）")
    return len(made)


def _office():
    users = get_user_model().objects.filter(roles__role=Role.CITY_OFFICE, is_active=True)
    return users.order_by("id").first()


def _major_subjects(subjects):
    """One major in 泽国镇 and one in 大溪镇 (the towns of the demo town accounts), one anywhere."""
    chosen = []
    for town_name, *_rest in MAJORS:
        town = (
            Territory.objects.filter(name=town_name, level=Territory.Level.TOWN).first()
            if town_name
            else None
        )
        pool = [s for s in subjects if s not in chosen and (town is None or s.town_id == town.pk)]
        pool = pool or [s for s in subjects if s not in chosen]
        if pool:
            chosen.append(pool[0])
    return chosen


def _save(actor, subject, name, kind, people, lines):
    return si.save_installation(
        actor, subject=subject, name=name, kind=kind, exposed_people=people, lines=lines
    )


def _minor(actor, subject, rng):
    """A below-threshold unit: quantities drawn in their ranges, halved until S < 1."""
    name, kind, template = rng.choice(MINORS)
    people = rng.choice([0, 8, 25, 40, 80, 150])
    quantities = [
        Decimal(str(rng.uniform(float(low), float(high)))).quantize(Decimal("0.1"))
        for *_, low, high in template
    ]
    while True:
        lines = [(s, q, c) for (s, c, _low, _high), q in zip(template, quantities, strict=True)]
        if not gb18218.evaluate(lines, people).is_major:
            return _save(actor, subject, name, kind, people, lines)
        quantities = [(q / 2).quantize(Decimal("0.1")) or Decimal("0.1") for q in quantities]


def _guarantors(actor, installation, rng):
    today = timezone.localdate()
    for index, (role, position) in enumerate(GUARANTORS):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        guarantor = si.set_guarantor(
            actor, installation, role=role, name=name, position=position, phone=f"1390000{index:04d}"
        )
        for age in CHECK_AGES[role]:
            # The third major's operational guarantor last checked 9 days ago: overdue on purpose.
            if role == "operational" and installation.grade == 4 and age == 2:
                continue
            si.record_check(
                actor,
                guarantor,
                done_on=today - datetime.timedelta(days=age),
                note=f"{position}包保履职检查：现场巡查，查阅记录，未发现异常",
            )
