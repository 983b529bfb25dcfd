"""The Scope helpers (unit_ids, own_subject_id, sector_codes, towns, reaches_territory,
territory_q), RoleAssignment.describe_scope, and the grant_q/extra_q hooks as plans and inspections
use them. The tree is the one of conftest.py."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from anjian.inspections.models import Inspection, InspectionPlan, PlanUnit
from anjian.org.models import Role, Territory
from anjian.org.scope import ancestor_paths, scope_for
from anjian.testing import make_checklist

from .test_scope import add_role, user

Level = Territory.Level


def superuser():
    return get_user_model().objects.create_superuser("root", password="x")


# unit_ids


def test_unit_ids_of_all_or_some_roles(org):
    u = user(Role.DEPARTMENT, unit=org.units["works"])
    add_role(u, Role.TOWN, unit=org.units["town_a"], territory=org.t["town_a"])
    add_role(u, Role.GRID, territory=org.t["grid_a1"])
    scope = scope_for(u)
    works, town = org.units["works"].pk, org.units["town_a"].pk
    assert scope.unit_ids() == {works, town}
    assert scope.unit_ids({Role.TOWN}) == {town}
    assert scope.unit_ids(("department", "inspector")) == {works}
    assert scope.unit_ids([Role.GRID]) == set()


def test_unit_ids_without_assignments(org):
    assert scope_for(superuser()).unit_ids() == set()
    assert scope_for(AnonymousUser()).unit_ids() == set()


# own_subject_id


def test_own_subject_id_only_for_a_pure_enterprise_account(org):
    s1 = org.subjects["s1"]
    assert scope_for(user(Role.ENTERPRISE, subject=s1)).own_subject_id() == s1.pk
    assert scope_for(user(Role.ENTERPRISE)).own_subject_id() is None
    mixed = user(Role.ENTERPRISE, subject=s1)
    add_role(mixed, Role.TOWN, territory=org.t["town_a"])
    assert scope_for(mixed).own_subject_id() is None
    assert scope_for(user(Role.DEPARTMENT, unit=org.units["works"])).own_subject_id() is None
    assert scope_for(superuser()).own_subject_id() is None
    assert scope_for(AnonymousUser()).own_subject_id() is None


# sector_codes


def test_sector_codes_of_sector_roles(org):
    assert scope_for(user(Role.DEPARTMENT, unit=org.units["works"])).sector_codes() == {
        "industry_trade",
        "construction",
    }
    assert scope_for(user(Role.INSPECTOR, unit=org.units["works"], sectors=["gas"])).sector_codes() == {"gas"}
    u = user(Role.DEPARTMENT, sectors=["construction"], territory=org.t["town_b"])
    add_role(u, Role.SECTOR_OFFICE, unit=org.units["fire_office"])
    add_role(u, Role.ENTERPRISE, subject=org.subjects["s5"])  # does not widen the sectors
    assert scope_for(u).sector_codes() == {"construction", "fire"}


def test_sector_codes_none_when_some_grant_is_not_limited_by_sector(org):
    assert scope_for(user(Role.TOWN, territory=org.t["town_a"])).sector_codes() is None
    assert scope_for(user(Role.GRID, territory=org.t["grid_a1"])).sector_codes() is None
    assert scope_for(user(Role.CITY_OFFICE)).sector_codes() is None
    assert scope_for(superuser()).sector_codes() is None
    assert scope_for(user(Role.DEPARTMENT, territory=org.t["town_a"])).sector_codes() is None
    mixed = user(Role.DEPARTMENT, unit=org.units["works"])
    add_role(mixed, Role.TOWN, territory=org.t["town_b"])
    assert scope_for(mixed).sector_codes() is None


def test_sector_codes_empty_when_nothing_may_be_filed(org):
    assert scope_for(user(Role.ENTERPRISE, subject=org.subjects["s1"])).sector_codes() == set()
    assert scope_for(AnonymousUser()).sector_codes() == set()


# towns


def test_ancestor_paths():
    assert ancestor_paths("0001.0003.0012.") == ("0001.", "0001.0003.", "0001.0003.0012.")
    assert ancestor_paths("0002.") == ("0002.",)


@pytest.mark.parametrize("where", ["town_a", "village_a1", "grid_a1", "grid_a1_2"])
def test_a_node_at_or_below_a_town_counts_for_that_town(org, where):
    role = Role.TOWN if where == "town_a" else Role.GRID
    scope = scope_for(user(role, territory=org.t[where]))
    assert list(scope.towns()) == [org.t["town_a"]]


def test_towns_of_sector_roles_with_a_territory(org):
    scope = scope_for(user(Role.INSPECTOR, unit=org.units["works"], territory=org.t["village_b1"]))
    assert list(scope.towns()) == [org.t["town_b"]]


def test_a_city_wide_or_territoryless_assignment_names_no_town(org):
    assert list(scope_for(user(Role.TOWN, territory=org.t["city"])).towns()) == []
    assert list(scope_for(user(Role.DEPARTMENT, unit=org.units["works"])).towns()) == []
    assert list(scope_for(AnonymousUser()).towns()) == []


def test_towns_by_role(org):
    u = user(Role.TOWN, territory=org.t["town_b"])
    add_role(u, Role.GRID, territory=org.t["grid_a1"])
    scope = scope_for(u)
    assert set(scope.towns()) == {org.t["town_a"], org.t["town_b"]}
    assert list(scope.towns([Role.GRID])) == [org.t["town_a"]]
    assert list(scope.towns({Role.TOWN})) == [org.t["town_b"]]
    assert list(scope.towns({Role.INSPECTOR})) == []


def deep_tree():
    """A second root whose city lies below a province: towns have three-segment paths."""
    province = Territory.objects.create(name="province", level=Level.CITY)
    city = Territory.objects.create(name="deep city", parent=province, level=Level.CITY)
    town = Territory.objects.create(name="deep town", parent=city, level=Level.TOWN)
    village = Territory.objects.create(name="deep village", parent=town, level=Level.VILLAGE)
    grid = Territory.objects.create(name="deep grid", parent=village, level=Level.GRID)
    return province, city, town, village, grid


def test_towns_do_not_assume_the_length_of_a_towns_path(org):
    province, city, town, village, grid = deep_tree()
    assert province.path == "0002." and town.path == "0002.0001.0001."
    for node in (town, village, grid):
        assert list(scope_for(user(Role.GRID, territory=node)).towns()) == [town]
    assert list(scope_for(user(Role.TOWN, territory=city)).towns()) == []
    both = user(Role.GRID, territory=grid)
    add_role(both, Role.GRID, territory=org.t["grid_a1"])
    assert set(scope_for(both).towns()) == {town, org.t["town_a"]}


# reaches_territory


def test_reaches_territory_of_a_town_user(org):
    scope = scope_for(user(Role.TOWN, territory=org.t["town_a"]))
    reached = {name for name, node in org.t.items() if scope.reaches_territory(node)}
    # Its own subtree and the city around it, not the other town.
    assert reached == {"city", "town_a", "village_a1", "village_a2", "grid_a1", "grid_a1_2"}


def test_reaches_territory_of_a_grid_user(org):
    scope = scope_for(user(Role.GRID, territory=org.t["grid_a1"]))
    reached = {name for name, node in org.t.items() if scope.reaches_territory(node)}
    assert reached == {"city", "town_a", "village_a1", "grid_a1"}


def test_reaches_every_territory_by_sector_or_unrestricted(org):
    for u in (user(Role.DEPARTMENT, unit=org.units["works"]), user(Role.CITY_OFFICE), superuser()):
        scope = scope_for(u)
        assert all(scope.reaches_territory(node) for node in org.t.values())


def test_enterprise_grants_reach_no_territory(org):
    scope = scope_for(user(Role.ENTERPRISE, subject=org.subjects["s1"]))
    assert not any(scope.reaches_territory(node) for node in org.t.values())
    assert not any(scope_for(AnonymousUser()).reaches_territory(node) for node in org.t.values())


def test_reaches_the_territories_of_a_sector_role_limited_to_one(org):
    scope = scope_for(user(Role.INSPECTOR, unit=org.units["works"], territory=org.t["town_b"]))
    reached = {name for name, node in org.t.items() if scope.reaches_territory(node)}
    assert reached == {"city", "town_b", "village_b1"}


# territory_q


def pickable(u):
    names = set(Territory.objects.filter(scope_for(u).territory_q()).values_list("name", flat=True))
    fresh = get_user_model().objects.get(pk=u.pk) if u.pk else AnonymousUser()
    assert set(Territory.objects.visible_to(fresh).values_list("name", flat=True)) == names
    return names


ALL_NODES = {"city", "town a", "town b", "village a1", "village a2", "village b1", "grid a1", "grid a1-2"}


def test_territory_q(org):
    assert pickable(user(Role.TOWN, territory=org.t["town_a"])) == {
        "town a",
        "village a1",
        "village a2",
        "grid a1",
        "grid a1-2",
    }
    assert pickable(user(Role.GRID, territory=org.t["grid_a1"])) == {"grid a1"}
    assert pickable(user(Role.INSPECTOR, unit=org.units["works"], territory=org.t["town_b"])) == {
        "town b",
        "village b1",
    }
    assert pickable(user(Role.DEPARTMENT, unit=org.units["works"])) == ALL_NODES
    assert pickable(user(Role.CITY_OFFICE)) == ALL_NODES
    assert pickable(superuser()) == ALL_NODES
    assert pickable(user(Role.ENTERPRISE, subject=org.subjects["s1"])) == set()
    assert pickable(AnonymousUser()) == set()


def test_territory_q_of_several_assignments(org):
    u = user(Role.TOWN, territory=org.t["town_b"])
    add_role(u, Role.ENTERPRISE, subject=org.subjects["s1"])
    add_role(u, Role.GRID, territory=org.t["grid_a1_2"])
    assert pickable(u) == {"town b", "village b1", "grid a1-2"}
    add_role(u, Role.DEPARTMENT, unit=org.units["works"])
    assert pickable(get_user_model().objects.get(pk=u.pk)) == ALL_NODES


# describe_scope


def describe(u):
    return [str(a.describe_scope()) for a in u.roles.order_by("id")]


def test_describe_scope_of_each_role(org):
    assert describe(user(Role.CITY_OFFICE)) == ["全市"]
    assert describe(user(Role.ENTERPRISE, subject=org.subjects["s2"])) == ["s2"]
    assert describe(user(Role.ENTERPRISE)) == ["（未关联企业）"]
    assert describe(user(Role.TOWN, territory=org.t["town_a"])) == ["town a"]
    assert describe(user(Role.GRID, territory=org.t["grid_a1"])) == ["grid a1"]
    assert describe(user(Role.GRID)) == ["（无）"]
    assert describe(user(Role.DEPARTMENT, unit=org.units["works"])) == [
        "sector industry_trade, sector construction"
    ]
    assert describe(user(Role.INSPECTOR, territory=org.t["town_b"], sectors=["gas", "fire"])) == [
        "town b · sector fire, sector gas"
    ]
    assert describe(user(Role.SECTOR_OFFICE, unit=org.units["works"], sectors=["gas"])) == ["sector gas"]
    assert describe(user(Role.SECTOR_OFFICE)) == ["（无）"]


def test_describe_scope_of_several_assignments(org):
    u = user(Role.TOWN, territory=org.t["town_b"])
    add_role(u, Role.SECTOR_OFFICE, unit=org.units["fire_office"])
    assert describe(u) == ["town b", "sector fire"]


# The hooks: plans skip enterprise grants and add the user's units' plans; inspections limit an
# enterprise's grant and add the inspections the user is named on.


@pytest.fixture
def plans(org):
    version = make_checklist()
    day = datetime.date(2025, 3, 1)

    def plan(name, organiser, territory, sector):
        return InspectionPlan.objects.create(
            name=name,
            starts_on=day,
            ends_on=day,
            organiser=org.units[organiser],
            territory=org.t[territory],
            sector_id=sector,
            checklist_version=version,
        )

    p1 = plan("p1", "works", "city", "fire")
    p2 = plan("p2", "city", "town_a", "industry_trade")
    PlanUnit.objects.create(plan=p2, unit=org.units["fire_office"])
    plan("p3", "city", "town_b", None)
    assert p1.territory_path == org.t["city"].path
    return version


def visible_plans(u):
    return set(InspectionPlan.objects.visible_to(u).values_list("name", flat=True))


def test_plans_by_territory_sector_and_unit(org, plans):
    assert visible_plans(user(Role.CITY_OFFICE)) == {"p1", "p2", "p3"}
    assert visible_plans(user(Role.TOWN, territory=org.t["town_a"])) == {"p2"}
    assert visible_plans(user(Role.TOWN, territory=org.t["town_b"])) == {"p3"}
    assert visible_plans(user(Role.GRID, territory=org.t["grid_a1"])) == set()
    # p1 is organised by the works department (outside its sectors), p2 is in its sector.
    assert visible_plans(user(Role.DEPARTMENT, unit=org.units["works"])) == {"p1", "p2"}
    # p1 is in the fire sector, the fire office takes part in p2.
    assert visible_plans(user(Role.SECTOR_OFFICE, unit=org.units["fire_office"])) == {"p1", "p2"}
    # The unit counts even where the assignment's own sectors exclude its plans.
    assert visible_plans(user(Role.INSPECTOR, unit=org.units["works"], sectors=["gas"])) == {"p1"}
    assert visible_plans(AnonymousUser()) == set()


def test_enterprises_never_see_plans(org, plans):
    for subject in org.subjects.values():
        assert visible_plans(user(Role.ENTERPRISE, subject=subject)) == set()


def test_inspections_by_scope_status_and_named_inspectors(org, plans):
    s = org.subjects
    inspector = user(Role.INSPECTOR, unit=org.units["fire_office"])
    Inspection.objects.create(subject=s["s1"], checklist_version=plans, summary="i1")
    Inspection.objects.create(subject=s["s1"], checklist_version=plans, status="done", summary="i2")
    Inspection.objects.create(
        subject=s["s5"], checklist_version=plans, is_self=True, status="in_progress", summary="i3"
    )
    i4 = Inspection.objects.create(subject=s["s3"], checklist_version=plans, summary="i4")
    i4.inspectors.add(inspector)

    def seen(u):
        return set(Inspection.objects.visible_to(u).values_list("summary", flat=True))

    assert seen(user(Role.CITY_OFFICE)) == {"i1", "i2", "i3", "i4"}
    assert seen(user(Role.TOWN, territory=org.t["town_a"])) == {"i1", "i2"}
    assert seen(user(Role.TOWN, territory=org.t["town_b"])) == {"i3", "i4"}
    # Named on i4 although construction is not among the fire office's sectors.
    assert seen(inspector) == {"i4"}
    assert seen(user(Role.INSPECTOR, unit=org.units["fire_office"])) == set()
    # An enterprise: the finished inspection and its child's self-inspection, not the planned one.
    assert seen(user(Role.ENTERPRISE, subject=s["s1"])) == {"i2", "i3"}
    assert seen(AnonymousUser()) == set()


# has_role and subject_ids


def test_has_role_and_subject_ids(org):
    u = user(Role.GRID, territory=org.t["grid_a1"])
    add_role(u, Role.ENTERPRISE, subject=org.subjects["s1"])
    scope = scope_for(u)
    assert scope.has_role(Role.GRID) and scope.has_role(Role.TOWN, Role.ENTERPRISE)
    assert not scope.has_role(Role.TOWN, Role.CITY_OFFICE)
    assert scope.subject_ids == {org.subjects["s1"].pk, org.subjects["s5"].pk}
    assert scope_for(superuser()).has_role(Role.CITY_OFFICE)
    assert not scope_for(AnonymousUser()).has_role(*Role.values)
