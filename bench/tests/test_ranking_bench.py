"""The ranking benchmark prints its line in the agreed format, leaves no runs behind, and its raw SQL
gives the application's values — on the bench data set and on the hand-checked month of the ranking
tests (which has inspections and work-plan reports the data set lacks). Nothing is timed here."""

import re

import pytest

from anjian.org.models import Territory
from anjian.ranking.indicators import compute_all, month_bounds
from anjian.ranking.models import RankingRun
from anjian.ranking.tests import data
from bench import generate, ranking

TEST_SCALE = generate.Scale("test", 300, 3_000)
LINE = re.compile(r"^ranking_month ratio \d+\.\d\d \(app \d+\.\d ms, raw \d+\.\d ms\)$")


@pytest.fixture
def dataset(db):
    return generate.build(TEST_SCALE, progress=lambda message: None)


def test_prints_one_line_and_the_raw_sql_agrees(dataset):
    lines = []
    results = ranking.run(repeat=1, out=lines.append)
    assert len(lines) == 1 and LINE.match(lines[0]), lines
    assert results["ranking_month"]["mismatches"] == 0
    assert not RankingRun.objects.exists()  # every timed run was rolled back
    assert ranking.ensure_accidents() == 48  # built once


def test_the_comparison_sees_real_values_and_counts_a_difference(dataset):
    ranking.ensure_accidents()
    raw = ranking.raw_values(ranking.bench_month())
    assert len(raw) == 17
    assert any(row["active_share"] is not None for row in raw.values())
    assert any(row["on_time_rate"] is not None for row in raw.values())
    changed = {town: dict(row) for town, row in raw.items()}
    town = next(iter(changed))
    changed[town]["overdue_major"] += 1
    assert ranking.mismatches(raw, changed) == 1


def test_raw_sql_matches_on_the_hand_checked_month(world):
    data.build(world)
    towns = list(Territory.objects.filter(level="town"))
    app = {
        town: {code: value.value for code, value in row.items()}
        for town, row in compute_all(*month_bounds(data.MONTH), towns).items()
    }
    raw = ranking.raw_values(data.MONTH)
    assert (
        raw[world.town_a.pk]["inspections_done_rate"] == app[world.town_a.pk]["inspections_done_rate"] == 0.5
    )
    assert raw[world.town_b.pk]["plan_reports_on_time"] == 0
    assert ranking.mismatches(app, raw) == 0


def test_only_selects(dataset):
    assert ranking.run(repeat=1, out=lambda line: None, only="hazard_list") == {}
