"""UnitMatcher on the demo organisation: names, aliases, the city prefix, and group names expanded."""

import pytest

from anjian.org.models import SectorCommittee, Unit
from anjian.plans.parsing import parse_plan
from anjian.plans.units import UnitMatcher

from .parsing_helpers import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def matcher(world):
    return UnitMatcher()


def ids(*names):
    return sorted(Unit.objects.filter(name__in=names).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "written,name",
    [
        ("市应急管理局", "市应急管理局"),
        ("市应急局", "市应急管理局"),
        ("市住建局", "市住房和城乡建设局"),
        ("市交通局", "市交通运输局"),
        ("市港航渔业局", "市港航口岸和渔业管理局"),
        ("温岭市应急管理局", "市应急管理局"),
        ("市 消防救援大队", "市消防救援支队"),
        ("市特安委", "市特种设备专委办"),
    ],
)
def test_names_and_aliases(matcher, written, name):
    assert matcher.match(written) == (ids(name), False)


def test_unknown_and_vague_names_stay_unmatched(matcher):
    for name in ["各有关部门", "有关部门", "各相关成员单位", "市气象局"]:
        assert matcher.match(name) == ([None], False)


def test_committee_members(matcher):
    found, expanded = matcher.match("市安委会各成员单位")
    kinds = set(Unit.objects.filter(pk__in=found).values_list("kind", flat=True))
    assert expanded and kinds == {"department", "party", "group"}
    assert sorted(found) == sorted(Unit.objects.filter(kind__in=kinds).values_list("pk", flat=True))


@pytest.mark.parametrize("written", ["各镇（街道）", "各镇(街道)", "各镇街"])
def test_towns_without_the_development_zone(matcher, written):
    found, expanded = matcher.match(written)
    names = set(Unit.objects.filter(pk__in=found).values_list("name", flat=True))
    assert expanded and len(names) == 16 and "泽国镇" in names and "温岭经济开发区" not in names


def test_sector_offices_and_supervising_departments(matcher):
    offices, _ = matcher.match("市安委会各专委办")
    assert sorted(offices) == sorted(Unit.objects.filter(kind="sector_office").values_list("pk", flat=True))
    supervisors, _ = matcher.match("负有安全监管职责的各有关部门")
    units = Unit.objects.filter(pk__in=supervisors)
    assert units.count() == len(supervisors) and all(
        u.kind == "department" and u.sectors.exists() for u in units
    )
    assert "市委组织部" not in {u.name for u in units} and "市应急管理局" in {u.name for u in units}


@pytest.mark.parametrize(
    "written,committee",
    [("市涉海涉渔专委会各成员单位", "涉海涉渔专委会"), ("市特安委各成员单位", "特种设备专委会")],
)
def test_a_sector_committees_members(matcher, written, committee):
    members = sorted(SectorCommittee.objects.get(name=committee).members.values_list("pk", flat=True))
    assert members and matcher.match(written) == (members, True)


def test_parse_with_the_matcher_expands_and_keeps_the_written_name(matcher):
    result = parse_plan(SEED, matcher=matcher)
    item = next(n for n in result.walk() if n.level == "item" and n.number == "1")
    leads = [u for u in item.units if u.role == "lead"]
    assert [u.unit_id for u in leads] == ids("市委组织部", "市委宣传部", "市应急管理局") or len(leads) == 3
    cooperating = [u for u in item.units if u.role == "cooperate"]
    assert len(cooperating) > 5 and {u.name for u in cooperating} == {"市安委会各成员单位"}
    assert all(u.expanded for u in cooperating)
    # A unit named on its own is not listed again through the group.
    unit_ids = [u.unit_id for u in item.units]
    assert len(unit_ids) == len(set(unit_ids))
    assert Unit.objects.get(name="市应急管理局").pk not in [u.unit_id for u in cooperating]
