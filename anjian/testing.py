"""Fixed personas and small builders shared by the test suites of every app.

Personas (all with password PASSWORD):
  city        市安委办 (city_office)            sees everything
  sector      工矿和危化品专委办 (sector_office)  its sectors
  dept        市应急管理局 (department)         its sectors
  town_a      泽国镇 (town)                     its subtree;  town_b 大溪镇 likewise
  grid        泽国镇 first grid (grid)          its grid
  inspector   市应急管理局 inspector            the bureau's sectors
  enterprise  enterprise account of ent_a       ent_a only
Subjects: ent_a (泽国镇 grid, industry_trade), ent_b (大溪镇, fire), ent_c (泽国镇 other village,
construction).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.checklists.models import Checklist, ChecklistItem, ChecklistVersion
from anjian.org.models import Person, Role, RoleAssignment, Territory, Unit
from anjian.org.seed import build_organisation
from anjian.registry.models import Subject
from anjian.registry.validators import make_uscc
from anjian.risks.methods import assess
from anjian.risks.models import (
    ControlMeasure,
    Guarantor,
    Installation,
    InventoryLine,
    RiskAssessment,
    RiskEvent,
    RiskPolicy,
    RiskUnit,
)

PASSWORD = "anjian-test-pw-1"


def make_user(
    username, role, *, unit=None, territory=None, subject=None, sectors=(), name=None, password=PASSWORD
):
    user = get_user_model().objects.create_user(username=username, password=password)
    Person.objects.create(name=name or username, unit=unit, user=user)
    assignment = RoleAssignment.objects.create(
        user=user, role=role, unit=unit, territory=territory, subject=subject
    )
    if sectors:
        assignment.sectors.set(sectors)
    return user


def make_subject(
    name, territory, sector, *, kind=Subject.Kind.ENTERPRISE, n=None, grid=None, unit=None, **extra
):
    code = (
        make_uscc(n if n is not None else abs(hash(name)) % 10**12) if kind == Subject.Kind.ENTERPRISE else ""
    )
    return Subject.objects.create(
        name=name,
        kind=kind,
        code=code,
        territory=territory,
        grid=grid,
        sector_id=sector,
        supervising_unit=unit,
        **extra,
    )


@dataclass
class World:
    city: Territory
    town_a: Territory
    town_b: Territory
    grid: Territory
    subjects: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def build_world(villages=2, grids=1):
    city = build_organisation(villages_per_town=villages, grids_per_village=grids)
    town_a = Territory.objects.get(name="泽国镇")
    town_b = Territory.objects.get(name="大溪镇")
    villages_a = list(town_a.children.order_by("path"))
    grid = villages_a[0].children.order_by("path").first()
    bureau = Unit.objects.get(name="市应急管理局")
    world = World(city, town_a, town_b, grid)
    world.subjects = {
        "ent_a": make_subject(
            "泽国精工机械有限公司", villages_a[0], "industry_trade", n=1, grid=grid, unit=bureau
        ),
        "ent_b": make_subject(
            "大溪商贸城", town_b.children.first(), "fire", n=2, unit=Unit.objects.get(name="市消防救援支队")
        ),
        "ent_c": make_subject(
            "泽国安居建设工程",
            villages_a[-1],
            "construction",
            n=3,
            unit=Unit.objects.get(name="市住房和城乡建设局"),
        ),
    }
    world.users = {
        "city": make_user(
            "city", Role.CITY_OFFICE, unit=Unit.objects.get(name="市安委办"), name="安委办张主任"
        ),
        "sector": make_user("sector", Role.SECTOR_OFFICE, unit=Unit.objects.get(name="市工矿和危化品专委办")),
        "dept": make_user("dept", Role.DEPARTMENT, unit=bureau, name="应急局李科长"),
        "town_a": make_user("town_a", Role.TOWN, unit=Unit.objects.get(name="泽国镇"), territory=town_a),
        "town_b": make_user("town_b", Role.TOWN, unit=Unit.objects.get(name="大溪镇"), territory=town_b),
        "grid": make_user("grid", Role.GRID, territory=grid, name="网格员王芳"),
        "inspector": make_user("inspector", Role.INSPECTOR, unit=bureau, name="检查员陈刚"),
        "enterprise": make_user(
            "enterprise", Role.ENTERPRISE, subject=world.subjects["ent_a"], name="企业安全员赵敏"
        ),
    }
    return world


def make_checklist(code="test-generic", items=3, major_items=(2,), sector=None):
    """A published checklist version with `items` items keyed T-1…T-n; the numbers in
    `major_items` are major by rule. Returns the version."""
    checklist = Checklist.objects.create(
        code=code,
        name=f"测试检查表 {code}",
        category=Checklist.Category.SECTOR if sector else Checklist.Category.GENERIC,
        sector_id=sector,
    )
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=1, status=ChecklistVersion.Status.PUBLISHED, published_at=timezone.now()
    )
    for n in range(1, items + 1):
        ChecklistItem.objects.create(
            version=version,
            key=f"T-{n}",
            order=n,
            section="安全管理",
            text=f"检查条目{n}：安全生产责任制是否落实",
            legal_basis="《中华人民共和国安全生产法》第四条",
            major_by_rule=n in major_items,
        )
    return version


def make_risk_register(subject, marker):
    """A small risk register for `subject`, every name carrying `marker`: one unit with one event
    (assessed LS 4×4, orange), one measure, and one installation with one inventory line and a
    guarantor. Returns the event; the others hang off it (event.unit, event.measures, …) and
    `subject.installations`."""

    unit = RiskUnit.objects.create(subject=subject, name=f"{marker}-UNIT", department="安全部")
    event = RiskEvent.objects.create(unit=unit, name=f"{marker}-EVENT", accident_type="fire")
    bands = RiskPolicy.current().bands
    result = assess("ls", bands, 4, 4)
    RiskAssessment.objects.create(
        event=event,
        method="ls",
        l_value=4,
        c_value=4,
        score=result.score,
        grade=result.grade,
        bands=bands,
        explanation=result.explanation,
    )
    event.grade = result.grade
    event.save()
    ControlMeasure.objects.create(event=event, kind="engineering", text=f"{marker}-MEASURE")
    installation = Installation.objects.create(subject=subject, name=f"{marker}-INSTALLATION")
    InventoryLine.objects.create(
        installation=installation,
        substance="甲醇",
        name_cn="甲醇",
        cas="67-56-1",
        category="W5.3",
        quantity_t=Decimal("10"),
        critical_t=Decimal("500"),
        beta=Decimal("1"),
        basis="表1",
    )
    Guarantor.objects.create(
        installation=installation, role="principal", name=f"{marker}-GUARANTOR", check_interval_days=90
    )
    return event


def make_accident(subject, marker, deaths=1, occurred_at=None):
    """An accident at `subject`, its place and description carrying `marker` (level 一般 by rule for
    fewer than 3 deaths; the services compute it, this builder only records it)."""
    return Accident.objects.create(
        code=f"SG-{marker}"[:24],
        occurred_at=occurred_at or timezone.now() - timedelta(days=1),
        place=f"{marker}-PLACE",
        subject=subject,
        territory=subject.grid or subject.territory,
        sector=subject.sector,
        accident_type="machinery",
        deaths=deaths,
        description=f"{marker}-ACCIDENT",
        level="general",
        level_reason="死亡人数少于3人",
    )
