"""The seeded organisation, checked against the numbers of data/wenling.yaml itself."""

from collections import Counter

import pytest

from anjian.org.models import Sector, SectorCommittee, Territory, Unit
from anjian.org.seed import build_organisation, load_data, town_names

pytestmark = pytest.mark.django_db

VILLAGES = 2
GRIDS = 3


@pytest.fixture
def data():
    return load_data()


@pytest.fixture
def city():
    return build_organisation(villages_per_town=VILLAGES, grids_per_village=GRIDS)


def test_the_city_is_the_one_root(city, data):
    assert list(Territory.objects.filter(parent=None)) == [city]
    assert city.level == Territory.Level.CITY
    assert city.name == data["city"]["name"]
    assert city.code == data["city"]["code"]
    assert [city.lat, city.lon] == data["city"]["center"]


def test_towns_and_subdistricts_as_in_the_data(city, data):
    towns = Territory.objects.filter(level=Territory.Level.TOWN)
    assert towns.count() == len(data["territories"])
    assert set(towns.values_list("parent", flat=True)) == {city.pk}
    kinds = Counter(item["kind"] for item in data["territories"])
    assert kinds["subdistrict"] > 0 and kinds["town"] > 0
    for kind, count in kinds.items():
        assert towns.filter(kind=kind).count() == count
    # In the data's order, which is also what town_names() gives.
    names = [item["name"] for item in data["territories"]]
    assert list(towns.order_by("order").values_list("name", flat=True)) == names
    assert town_names() == names


def test_each_town_has_its_unit_and_synthetic_villages_and_grids(city, data):
    for town in Territory.objects.filter(level=Territory.Level.TOWN):
        unit = Unit.objects.get(name=town.name)
        assert unit.kind == Unit.Kind.TOWN and unit.territory == town
        villages = town.children.all()
        assert villages.count() == VILLAGES
        for village in villages:
            assert village.level == Territory.Level.VILLAGE and village.is_synthetic
            grids = village.children.all()
            assert grids.count() == GRIDS
            assert all(g.level == Territory.Level.GRID and g.path.startswith(village.path) for g in grids)
            assert all(g.town() == town for g in grids)
    towns = len(data["territories"])
    assert Territory.objects.filter(level=Territory.Level.VILLAGE).count() == towns * VILLAGES
    assert Territory.objects.filter(level=Territory.Level.GRID).count() == towns * VILLAGES * GRIDS


def test_units_with_their_kinds_aliases_and_sectors(city, data):
    for item in data["units"]:
        unit = Unit.objects.get(name=item["name"])
        assert unit.kind == item["kind"]
        assert unit.aliases == item.get("aliases", [])
        assert set(unit.sectors.values_list("code", flat=True)) == set(item.get("sectors", []))
    assert Unit.objects.filter(kind=Unit.Kind.TOWN).count() == len(data["territories"])


def test_sector_committees_with_offices_sectors_and_members(city, data):
    committees = data["sector_committees"]
    assert SectorCommittee.objects.count() == len(committees)
    departments = [u for u in data["units"] if u["kind"] == Unit.Kind.DEPARTMENT]
    for item in committees:
        committee = SectorCommittee.objects.get(name=item["name"])
        assert committee.office.name == item["office"]
        assert committee.office.kind == Unit.Kind.SECTOR_OFFICE
        assert committee.office.aliases == item.get("aliases", [])
        assert set(committee.sectors.values_list("code", flat=True)) == set(item["sectors"])
        assert set(committee.office.sectors.values_list("code", flat=True)) == set(item["sectors"])
        # The members: every department supervising one of the committee's sectors.
        expected = {u["name"] for u in departments if set(u.get("sectors", [])) & set(item["sectors"])}
        assert expected, item["name"]
        assert set(committee.members.values_list("name", flat=True)) == expected


def test_a_department_in_several_committees_is_a_member_of_each(city, data):
    by_sector = {}
    for item in data["sector_committees"]:
        for code in item["sectors"]:
            by_sector.setdefault(code, set()).add(item["name"])
    for item in data["units"]:
        if item["kind"] != Unit.Kind.DEPARTMENT:
            continue
        expected = set().union(*(by_sector.get(code, set()) for code in item.get("sectors", [])))
        unit = Unit.objects.get(name=item["name"])
        assert set(unit.member_of.values_list("name", flat=True)) == expected


def test_every_sector_of_the_data_exists_and_high_risk_fields_match(city, data):
    used = {code for item in data["units"] for code in item.get("sectors", [])}
    used |= {code for item in data["sector_committees"] for code in item["sectors"]}
    assert used <= set(Sector.objects.values_list("code", flat=True))
    high_risk = set(Sector.objects.filter(high_risk=True).values_list("name", flat=True))
    assert high_risk == set(data["high_risk_fields"])


def test_seeding_twice_changes_nothing(city):
    counts = (
        Territory.objects.count(),
        Unit.objects.count(),
        SectorCommittee.objects.count(),
        Sector.objects.count(),
        SectorCommittee.members.through.objects.count(),
    )
    paths = list(Territory.objects.values_list("path", flat=True))
    assert build_organisation(villages_per_town=VILLAGES, grids_per_village=GRIDS) == city
    assert counts == (
        Territory.objects.count(),
        Unit.objects.count(),
        SectorCommittee.objects.count(),
        Sector.objects.count(),
        SectorCommittee.members.through.objects.count(),
    )
    assert list(Territory.objects.values_list("path", flat=True)) == paths
