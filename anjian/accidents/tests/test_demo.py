"""The demo's accidents: a Wenling-like year, 双下降 for deaths this year, no 较大 this year, built once."""

import datetime

import pytest

from anjian.accidents import stats
from anjian.accidents.models import Accident, KeyPeriod
from anjian.demo.accidents import build_accidents
from anjian.demo.subjects import insert_subjects
from anjian.org.seed import build_organisation


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 11, 29), datetime.date(2026, 7, 1), datetime.date(2027, 3, 15)]
)
def test_demo_accidents(db, today):
    build_organisation(villages_per_town=1, grids_per_village=1)
    insert_subjects(400)
    messages = []
    added = build_accidents(progress=messages.append, today=today)
    assert 80 <= added <= 120 and Accident.objects.count() == added
    assert Accident.objects.filter(subject__isnull=False).count() > added / 3
    assert Accident.objects.values("town").distinct().count() >= 8
    assert Accident.objects.values("sector").distinct().count() >= 6
    larger = Accident.objects.filter(level="larger")
    assert larger.count() == 2 and all(a.occurred_at.year < today.year for a in larger)
    assert not Accident.objects.exclude(level__in=("general", "larger")).exists()
    this_year = stats.year_stats(Accident.objects.all(), today.year, today)
    assert this_year.fewer_deaths and not this_year.serious
    assert this_year.double_decline, this_year.total
    last_year = stats.year_stats(Accident.objects.all(), today.year - 1, today)
    assert 40 <= last_year.total.count <= 65
    assert KeyPeriod.objects.filter(name="春节", starts_on__year=today.year).exists()
    # A second run adds nothing.
    assert build_accidents(progress=messages.append, today=today) == 0
    assert Accident.objects.count() == added
    assert {a.code[:6] for a in Accident.objects.all()} <= {
        f"SG{today.year - 2}",
        f"SG{today.year - 1}",
        f"SG{today.year}",
    }
