"""The territory tree: materialised paths assigned on save, depth, town(), ordering, uniqueness."""

import re

import pytest
from django.db import IntegrityError, transaction

from anjian.org.models import Territory

pytestmark = pytest.mark.django_db

Level = Territory.Level
PATH_RE = re.compile(r"(\d{4}\.)+")


def node(name, parent=None, level=None):
    if level is None:
        level = Level.CITY if parent is None else Level.TOWN
    return Territory.objects.create(name=name, parent=parent, level=level)


def segments(path):
    return [s for s in path.split(".") if s]


def test_roots_and_children_get_numbered_four_digit_segments():
    city = node("city")
    other_root = node("other root")
    first = node("first", city)
    second = node("second", city)
    grandchild = node("grandchild", second, Level.VILLAGE)
    assert city.path == "0001."
    assert other_root.path == "0002."
    assert first.path == "0001.0001."
    assert second.path == "0001.0002."
    assert grandchild.path == "0001.0002.0001."
    # Children of different parents are numbered independently.
    assert node("first of other", other_root).path == "0002.0001."


def test_child_path_starts_with_parent_path_and_adds_one_segment():
    city = node("city")
    town = node("town", city)
    village = node("village", town, Level.VILLAGE)
    grid = node("grid", village, Level.GRID)
    for parent, child in ((city, town), (town, village), (village, grid)):
        assert child.path.startswith(parent.path)
        assert segments(child.path)[:-1] == segments(parent.path)
        assert PATH_RE.fullmatch(child.path)


def test_a_gap_in_the_numbering_never_gives_a_path_twice():
    city = node("city")
    a, b, c = (node(name, city) for name in "abc")
    assert [t.path for t in (a, b, c)] == ["0001.0001.", "0001.0002.", "0001.0003."]
    b.delete()  # two siblings left, but segment 3 is taken
    d = node("d", city)
    a.delete()  # one sibling left (0003 and 0004 taken)
    e = node("e", city)
    paths = list(Territory.objects.filter(parent=city).values_list("path", flat=True))
    assert len(paths) == len(set(paths)) == 3
    assert set(paths) == {c.path, d.path, e.path}
    for t in (d, e):
        assert t.path.startswith(city.path) and len(segments(t.path)) == 2


def test_a_gap_left_by_an_explicit_path_is_skipped():
    city = node("city")
    # A sibling saved with an explicit path (as an import would) takes the number the next child
    # would have counted to.
    Territory.objects.create(name="imported", parent=city, level=Level.TOWN, path="0001.0002.")
    created = node("created", city)
    assert created.path == "0001.0003."


def test_resaving_keeps_the_path():
    city = node("city")
    town = node("town", city)
    node("sibling", city)
    town.name = "renamed"
    town.save()
    town.refresh_from_db()
    assert town.path == "0001.0001."


def test_path_is_unique():
    node("city")
    with pytest.raises(IntegrityError), transaction.atomic():
        Territory.objects.create(name="clash", level=Level.CITY, path="0001.")


def test_depth_counts_the_levels():
    city = node("city")
    town = node("town", city)
    village = node("village", town, Level.VILLAGE)
    grid = node("grid", village, Level.GRID)
    assert [t.depth for t in (city, town, village, grid)] == [1, 2, 3, 4]


def test_ordering_follows_the_tree_not_creation_order():
    city = node("city")
    second_root = node("second root")
    towns = [node(f"town {n}", city) for n in range(1, 12)]  # 11 siblings: 0001 … 0011
    late_village = node("late village", towns[0], Level.VILLAGE)
    expected = [city, towns[0], late_village, *towns[1:], second_root]
    assert list(Territory.objects.all()) == expected
    assert towns[-1].path == "0001.0011."


def build_town_tree(root_parent=None):
    """city → two towns → village → grid, optionally below `root_parent`."""
    city = node("city", root_parent, Level.CITY)
    town_a = node("town a", city)
    town_b = node("town b", city)
    village = node("village b", town_b, Level.VILLAGE)
    grid = node("grid b", village, Level.GRID)
    return city, town_a, town_b, village, grid


def test_town_of_each_level():
    city, town_a, town_b, village, grid = build_town_tree()
    assert city.town() is None
    assert town_a.town() == town_a
    assert town_b.town() == town_b
    assert village.town() == town_b
    assert grid.town() == town_b


def test_town_under_a_second_root():
    node("first root")
    city, _, town_b, village, grid = build_town_tree()
    assert city.path == "0002."
    assert village.town() == town_b
    assert grid.town() == town_b


def test_town_when_the_city_is_not_a_root():
    """A town's path need not be two segments long: the city may sit below a province."""
    province = node("province")
    city, _, town_b, village, grid = build_town_tree(province)
    assert town_b.path == "0001.0001.0002."
    assert village.town() == town_b
    assert grid.town() == town_b
