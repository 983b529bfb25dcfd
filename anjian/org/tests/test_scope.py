"""scope_for for every role, and `visible_to` on real Subject and Hazard rows (tree in conftest.py)."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from anjian.core.context import SystemActor
from anjian.hazards.models import Hazard
from anjian.org.models import Role, RoleAssignment
from anjian.org.scope import scope_for
from anjian.registry.models import Subject
from anjian.testing import make_user

ALL = {"s1", "s2", "s3", "s4", "s5", "s6"}
_numbers = itertools.count(1)


def user(role, **kwargs):
    return make_user(f"user-{next(_numbers)}", role, **kwargs)


def add_role(user, role, *, sectors=(), **kwargs):
    assignment = RoleAssignment.objects.create(user=user, role=role, **kwargs)
    assignment.sectors.set(sectors)
    return assignment


def visible(user):
    """The subjects the user sees, and the subjects of the hazards the user sees (fresh user object,
    so no scope computed earlier is reused)."""
    if getattr(user, "pk", None) is not None and not isinstance(user, SystemActor):
        user = get_user_model().objects.get(pk=user.pk)
    subjects = set(Subject.objects.visible_to(user).values_list("name", flat=True))
    hazards = set(Hazard.objects.visible_to(user).values_list("subject__name", flat=True))
    return subjects, hazards


def assert_sees(user, expected):
    subjects, hazards = visible(user)
    assert subjects == set(expected)
    assert hazards == set(expected)


def test_the_fixture_has_one_hazard_per_subject(org):
    assert Subject.objects.count() == len(ALL) == Hazard.objects.count()
    assert {h.territory_path for h in Hazard.objects.all()} == {
        s.territory_path for s in Subject.objects.all()
    }


def test_city_office_is_unrestricted(org):
    u = user(Role.CITY_OFFICE, unit=org.units["city"])
    scope = scope_for(u)
    assert scope.unrestricted and scope.grants == ()
    assert_sees(u, ALL)


def test_city_office_with_another_role_stays_unrestricted(org):
    u = user(Role.TOWN, territory=org.t["town_a"])
    add_role(u, Role.CITY_OFFICE)
    assert scope_for(u).unrestricted
    assert_sees(u, ALL)


def test_superuser_is_unrestricted_without_any_assignment(org):
    u = get_user_model().objects.create_superuser("root", password="x")
    assert scope_for(u).unrestricted
    assert_sees(u, ALL)


def test_anonymous_and_system_actor_see_nothing(org):
    assert_sees(AnonymousUser(), set())
    assert_sees(SystemActor("test"), set())
    scope = scope_for(AnonymousUser())
    assert not scope.unrestricted and scope.grants == () and scope.roles == frozenset()


def test_user_without_assignments_sees_nothing(org):
    u = get_user_model().objects.create_user("nobody", password="x")
    assert_sees(u, set())


@pytest.mark.parametrize("role", [Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR])
def test_sector_role_sees_its_units_sectors_everywhere(org, role):
    assert_sees(user(role, unit=org.units["works"]), {"s1", "s3", "s4"})
    assert_sees(user(role, unit=org.units["fire_office"]), {"s2", "s6"})


@pytest.mark.parametrize("role", [Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR])
def test_sector_roles_own_sectors_replace_its_units(org, role):
    u = user(role, unit=org.units["works"], sectors=["construction"])
    assert_sees(u, {"s3"})
    assert scope_for(u).grants[0].sectors == ("construction",)


@pytest.mark.parametrize("role", [Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR])
def test_sector_role_within_a_territory(org, role):
    assert_sees(user(role, unit=org.units["works"], territory=org.t["town_a"]), {"s1"})
    assert_sees(user(role, unit=org.units["works"], territory=org.t["town_b"]), {"s3", "s4"})
    assert_sees(user(role, sectors=["gas", "fire"], territory=org.t["village_b1"]), {"s5"})


@pytest.mark.parametrize("role", [Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR])
def test_sector_role_without_sectors_or_territory_sees_nothing(org, role):
    assert_sees(user(role), set())
    assert_sees(user(role, unit=org.units["empty"]), set())
    assert scope_for(user(role, unit=org.units["empty"])).grants == ()


@pytest.mark.parametrize("role", [Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR])
def test_sector_role_without_sectors_but_with_a_territory_sees_that_territory(org, role):
    assert_sees(user(role, unit=org.units["empty"], territory=org.t["town_b"]), {"s3", "s4", "s5"})


@pytest.mark.parametrize("role", [Role.TOWN, Role.GRID])
def test_territorial_roles_see_their_subtree_whatever_the_sector(org, role):
    assert_sees(user(role, territory=org.t["town_a"]), {"s1", "s2"})
    assert_sees(user(role, territory=org.t["town_b"]), {"s3", "s4", "s5"})
    assert_sees(user(role, territory=org.t["village_a1"]), {"s1"})
    assert_sees(user(role, territory=org.t["grid_a1"]), {"s1"})
    assert_sees(user(role, territory=org.t["grid_a1_2"]), set())
    assert_sees(user(role, territory=org.t["city"]), ALL)


@pytest.mark.parametrize("role", [Role.TOWN, Role.GRID])
def test_territorial_role_ignores_sectors_and_without_territory_sees_nothing(org, role):
    assert_sees(user(role, territory=org.t["town_a"], sectors=["construction"]), {"s1", "s2"})
    assert_sees(user(role, unit=org.units["town_a"]), set())


def test_enterprise_sees_its_subject_and_its_children(org):
    u = user(Role.ENTERPRISE, subject=org.subjects["s1"])
    # s5 is a child of s1 in another town and sector: still the enterprise's own.
    assert_sees(u, {"s1", "s5"})
    assert scope_for(u).grants[0].subjects == (org.subjects["s1"].pk, org.subjects["s5"].pk)
    assert_sees(user(Role.ENTERPRISE, subject=org.subjects["s5"]), {"s5"})


def test_enterprise_without_subject_sees_nothing(org):
    assert_sees(user(Role.ENTERPRISE), set())


def test_enterprise_ignores_territory_and_sectors_of_its_assignment(org):
    u = user(Role.ENTERPRISE, subject=org.subjects["s2"], territory=org.t["town_b"], sectors=["construction"])
    assert_sees(u, {"s2"})


def test_several_assignments_see_the_union(org):
    u = user(Role.TOWN, territory=org.t["town_b"])
    add_role(u, Role.SECTOR_OFFICE, unit=org.units["fire_office"])
    assert_sees(u, {"s2", "s3", "s4", "s5", "s6"})
    v = user(Role.GRID, territory=org.t["grid_a1"])
    add_role(v, Role.DEPARTMENT, sectors=["construction"], territory=org.t["town_b"])
    add_role(v, Role.ENTERPRISE, subject=org.subjects["s6"])
    assert_sees(v, {"s1", "s3", "s6"})
    assert len(scope_for(v).grants) == 3


def test_limits_within_one_assignment_combine_with_and(org):
    # Fire in town b: no such subject, although town b has subjects and fire has subjects.
    assert_sees(user(Role.INSPECTOR, sectors=["fire"], territory=org.t["town_b"]), set())


def test_scope_is_computed_once_per_user_object(org):
    u = user(Role.TOWN, territory=org.t["town_a"])
    first = scope_for(u)
    add_role(u, Role.SECTOR_OFFICE, unit=org.units["fire_office"])
    assert scope_for(u) is first
    assert set(Subject.objects.visible_to(u).values_list("name", flat=True)) == {"s1", "s2"}
    fresh = get_user_model().objects.get(pk=u.pk)
    assert scope_for(fresh) is not first
    assert set(Subject.objects.visible_to(fresh).values_list("name", flat=True)) == {"s1", "s2", "s6"}


def test_a_town_users_scope_costs_one_query(org, django_assert_num_queries):
    u = get_user_model().objects.get(pk=user(Role.TOWN, territory=org.t["town_a"]).pk)
    with django_assert_num_queries(1):
        scope_for(u)
        scope_for(u)
        Subject.objects.visible_to(u)  # not evaluated: building the query reads the cached scope
    with django_assert_num_queries(1):
        assert Subject.objects.visible_to(u).count() == 2


def test_a_sector_users_scope_costs_three_queries_once(org, django_assert_num_queries):
    """The assignments, their sectors and their units' sectors; then nothing more."""
    u = user(Role.DEPARTMENT, unit=org.units["works"], territory=org.t["town_b"])
    add_role(u, Role.INSPECTOR, unit=org.units["fire_office"])
    u = get_user_model().objects.get(pk=u.pk)
    with django_assert_num_queries(3):
        scope = scope_for(u)
        scope_for(u)
    assert {tuple(sorted(g.sectors)) for g in scope.grants} == {("construction", "industry_trade"), ("fire",)}
    with django_assert_num_queries(1):
        assert set(Hazard.objects.visible_to(u).values_list("subject__name", flat=True)) == {
            "s2",
            "s3",
            "s4",
            "s6",
        }
