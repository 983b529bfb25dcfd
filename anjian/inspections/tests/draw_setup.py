"""Builders the draw tests share: a plan whose targets are drawn, and inspectors for it."""

from django.utils import timezone

from anjian.inspections.models import InspectionPlan
from anjian.org.models import Role, Unit
from anjian.testing import make_checklist, make_subject, make_user

SURNAMES = "张王李赵陈刘杨黄周吴"


def bureau():
    return Unit.objects.get(name="市应急管理局")


def make_plan(
    world, name="双随机抽查计划", status=InspectionPlan.Status.ISSUED, kind="comprehensive", **fields
):
    today = timezone.localdate()
    return InspectionPlan.objects.create(
        name=name,
        kind=kind,
        status=status,
        starts_on=today,
        ends_on=today,
        organiser=bureau(),
        territory=world.city,
        checklist_version=fields.pop("checklist_version", None) or make_checklist(f"draw-{name}"),
        target_mode=fields.pop("target_mode", "draw"),
        **fields,
    )


def make_inspectors(n, unit=None, prefix="insp"):
    """n inspectors of the bureau (or `unit`), with three-character names such as 张小明1."""
    unit = unit or bureau()
    return [
        make_user(f"{prefix}{i}", Role.INSPECTOR, unit=unit, name=f"{SURNAMES[i % 10]}小{i}")
        for i in range(n)
    ]


def make_subjects(world, n, grade="blue"):
    village = world.town_a.children.order_by("path").first()
    return [
        make_subject(f"抽查对象{i}", village, "industry_trade", n=1000 + i, risk_grade=grade)
        for i in range(n)
    ]
