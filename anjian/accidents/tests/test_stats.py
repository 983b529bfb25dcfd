"""Statistics on hand-made data: months, towns, sectors, year on year, 双下降, target, key periods."""

import datetime

import pytest

from anjian.accidents import stats
from anjian.accidents.models import Accident, KeyPeriod, YearTarget
from anjian.accidents.services import visible_accidents

from .helpers import moment, record

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture
def data(world, settings):
    """2024: 3 accidents before 15 June (4 deaths) and one after; 2025 up to 15 June: 2 (1 death)."""
    city = world.users["city"]
    a, b, c = world.subjects["ent_a"], world.subjects["ent_b"], world.subjects["ent_c"]
    rows = [
        (a, datetime.date(2024, 1, 10), 1),
        (b, datetime.date(2024, 2, 5), 3),
        (c, datetime.date(2024, 6, 15), 0),  # the last day of last year's same period: counts
        (a, datetime.date(2024, 6, 16), 2),  # after it: not in the comparison
        (a, datetime.date(2025, 1, 20), 1),
        (c, datetime.date(2025, 2, 2), 0),
    ]
    for subject, day, deaths in rows:
        record(city, subject, occurred_at=moment(day), deaths=deaths)
    return world


def test_year_on_year_and_double_decline(data):
    s = stats.year_stats(Accident.objects.all(), 2025, TODAY)
    assert (s.start, s.end, s.last_start, s.last_end) == (
        datetime.date(2025, 1, 1),
        TODAY,
        datetime.date(2024, 1, 1),
        datetime.date(2024, 6, 15),
    )
    assert (s.total.count, s.total.deaths, s.total.last_count, s.total.last_deaths) == (2, 1, 3, 4)
    assert s.total.count_change == -33.3 and s.total.deaths_change == -75.0
    # Last year's 3-death accident was 较大, this year none: 双下降 met.
    assert s.serious == [] and s.double_decline
    last = stats.year_stats(Accident.objects.all(), 2024, TODAY)
    assert (last.total.count, last.total.deaths) == (4, 6) and len(last.serious) == 1
    assert not last.double_decline  # nothing in 2023 to fall from, and a 较大 accident


def test_months_towns_sectors(data):
    s = stats.year_stats(Accident.objects.all(), 2025, TODAY)
    months = {m: (c.count, c.deaths, c.last_count, c.last_deaths) for m, c in s.months}
    assert list(months) == [1, 2, 3, 4, 5, 6]
    assert months[1] == (1, 1, 1, 1) and months[2] == (1, 0, 1, 3) and months[6] == (0, 0, 1, 0)
    towns = {name: (c.count, c.last_count) for name, c in s.towns}
    assert towns == {"泽国镇": (2, 2), "大溪镇": (0, 1)}
    sectors = {name: (c.count, c.deaths, c.last_count) for name, c in s.sectors}
    assert sectors == {"工贸": (1, 1, 1), "建筑施工": (1, 0, 1), "消防": (0, 0, 1)}
    assert stats.chart_data(s)["count"] == [1, 1, 0, 0, 0, 0]


def test_double_decline_fails_on_a_larger_accident_and_on_equal_deaths(data):
    record(
        data.users["city"], data.subjects["ent_a"], occurred_at=moment(datetime.date(2025, 3, 1)), deaths=3
    )
    s = stats.year_stats(Accident.objects.all(), 2025, TODAY)
    assert (s.total.count, s.total.deaths) == (3, 4)
    assert not s.fewer_accidents and not s.fewer_deaths and len(s.serious) == 1
    assert not s.double_decline


def test_target(data):
    YearTarget.objects.create(year=2025, max_accidents=1, max_deaths=2)
    s = stats.year_stats(Accident.objects.all(), 2025, TODAY)
    assert s.within_target == (False, True)


def test_key_periods(data):
    spring = KeyPeriod.objects.create(
        name="春节", starts_on=datetime.date(2025, 1, 18), ends_on=datetime.date(2025, 1, 20)
    )
    may = KeyPeriod.objects.create(
        name="五一", starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2025, 5, 5)
    )
    national = KeyPeriod.objects.create(
        name="国庆", starts_on=datetime.date(2025, 10, 1), ends_on=datetime.date(2025, 10, 7)
    )
    running = KeyPeriod.objects.create(
        name="汛期", starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 9, 30)
    )
    KeyPeriod.objects.create(
        name="旧", starts_on=datetime.date(2023, 10, 1), ends_on=datetime.date(2023, 10, 7)
    )
    rows = {p.period.pk: p for p in stats.key_periods(Accident.objects.all(), 2025, TODAY)}
    assert set(rows) == {spring.pk, may.pk, national.pk, running.pk}
    assert (rows[spring.pk].count, rows[spring.pk].deaths, rows[spring.pk].no_fatal) == (1, 1, False)
    assert (rows[may.pk].count, rows[may.pk].no_fatal, rows[may.pk].state) == (0, True, "over")
    assert rows[national.pk].state == "future" and rows[running.pk].state == "running"


def test_scope(data):
    s = stats.year_stats(visible_accidents(data.users["town_b"]), 2025, TODAY)
    assert (s.total.count, s.total.last_count, s.total.last_deaths) == (0, 1, 3)
    assert stats.year_stats(visible_accidents(data.users["enterprise"]), 2025, TODAY).total.last_count == 0
