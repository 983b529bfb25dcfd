"""Every indicator of the registry on the month of tests/data.py, worked out by hand, the records
behind each number cut to the reader's scope, and the number of queries a computation takes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.org.models import Territory
from anjian.ranking import defaults
from anjian.ranking.indicators import REGISTRY, compute_all, larger_accidents, month_bounds

from . import data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def month(world):
    data.build(world)
    return month_bounds(data.MONTH)


def towns():
    return list(Territory.objects.filter(level="town").order_by("path"))


def third(n):
    return D(n) / D(3)


EXPECTED = {
    # code: (泽国镇 town_a, 大溪镇 town_b, any other town)
    "accidents": (D(1), D(1), D(0)),
    "deaths": (D(1), D(3), D(0)),
    "deaths_yoy": (D(-1), D(3), D(0)),
    "active_share": (D("0.75"), D(1), None),  # (1 + 5) / (1 + 5 + 1 + 1); town_b: its own major one
    "active_per_100": (D(100), D(100), None),  # 2 of 2 enterprises; 1 of 1; no enterprises → no data
    "passive_per_100": (D(100), D(0), None),
    "on_time_rate": (third(1), D(0), None),  # 1 of 3 due on time; town_b 0 of 2; nothing due
    "overdue_major": (D(1), D(1), D(0)),
    "inspections_done_rate": (D("0.5"), None, None),  # planned 2 (one cancelled, one draft's not)
    "hazards_per_inspection": (D(1), None, None),  # 2 found by inspection / 2 inspections done
    "self_check_rate": (D("0.5"), D(0), None),
    "plan_reports_on_time": (D("0.5"), D(0), None),
}


def test_every_indicator_by_hand(world, month):
    values = compute_all(*month, towns())
    other = Territory.objects.get(name="城北街道")
    assert set(EXPECTED) == set(REGISTRY)
    for code, (town_a, town_b, rest) in EXPECTED.items():
        got = (
            values[world.town_a.pk][code].value,
            values[world.town_b.pk][code].value,
            values[other.pk][code].value,
        )
        assert got == (town_a, town_b, rest), code
    assert values[world.town_a.pk]["active_share"].detail == {
        "active": 2,
        "others": 2,
        "active_weighted": 6,
        "others_weighted": 2,
    }
    assert values[world.town_a.pk]["on_time_rate"].detail == {"due": 3, "on_time": 1, "late": 2}
    assert values[world.town_a.pk]["deaths_yoy"].detail == {"deaths": 1, "deaths_last_year": 2}
    assert values[world.town_b.pk]["plan_reports_on_time"].detail == {"due": 1, "on_time": 0}
    assert larger_accidents(*month, towns()) == {world.town_b.pk: 1}


def test_one_indicator_alone_gives_the_same(world, month):
    alone = REGISTRY["active_per_100"].compute(*month, towns())
    assert alone[world.town_a.pk].value == D(100)
    assert len(alone) == 17


def test_queries_do_not_grow_with_the_towns(world, month):
    with CaptureQueriesContext(connection) as queries:
        compute_all(*month, towns())
    # One or two grouped queries per data source for all 17 towns, never one per town.
    assert len(queries) <= 16, [q["sql"] for q in queries]


def test_defaults_cover_the_registry_and_sum_to_100():
    assert [row[0] for row in defaults.DEFAULT_INDICATORS] == list(REGISTRY)
    assert sum(i.weight for i in REGISTRY.values()) == D(100)
    for indicator in REGISTRY.values():
        assert indicator.name and indicator.description
        assert indicator.direction in ("higher", "lower")
        assert (indicator.target is not None) == (indicator.normalisation == "target")


@pytest.mark.parametrize(
    "code, count",
    [
        ("accidents", 1),
        ("deaths_yoy", 2),  # this September and the one before
        ("active_share", 4),
        ("active_per_100", 2),
        ("passive_per_100", 2),
        ("on_time_rate", 3),
        ("overdue_major", 1),
        ("inspections_done_rate", 2),
        ("hazards_per_inspection", 2),
        ("self_check_rate", 2),
        ("plan_reports_on_time", 2),
    ],
)
def test_records_behind_the_number(world, month, code, count):
    indicator = REGISTRY[code]
    for reader in ("city", "town_a"):
        records = indicator.records(world.users[reader], world.town_a, *month)
        assert records.count() == count, reader
        assert records.model._meta.label_lower == indicator.records_model
    # Another town's reader sees none of town_a's subject records.
    if indicator.records_model != "plans.progressreport":
        assert indicator.records(world.users["town_b"], world.town_a, *month).count() == 0
    assert indicator.records(world.users["enterprise"], world.town_a, *month).count() <= count


def test_the_records_match_the_value(world, month):
    active = REGISTRY["active_per_100"].records(world.users["city"], world.town_a, *month)
    assert {h.source for h in active} == {"inspection", "grid_patrol"}
    others = REGISTRY["passive_per_100"].records(world.users["city"], world.town_a, *month)
    assert {h.found_by for h in others} == {world.users["inspector"], world.users["town_b"]}
