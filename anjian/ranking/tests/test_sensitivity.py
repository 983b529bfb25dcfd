"""Sensitivity: one weight changed, the others scaled so the total stays, the frozen values scored
again; ranks move as computed by hand on three towns, and nothing is saved."""

from decimal import Decimal

import pytest

from anjian.ranking import charts
from anjian.ranking.models import RankingRun, TownScore

from .scored import TWO, month, scored_run, towns

pytestmark = pytest.mark.django_db

THREE = {
    "total_weight": "100",
    "tie_rule": "weights",
    "indicators": [
        {
            "code": "accidents",
            "weight": "40",
            "direction": "lower",
            "normalisation": "minmax",
            "target": None,
        },
        {"code": "deaths", "weight": "30", "direction": "lower", "normalisation": "minmax", "target": None},
        {
            "code": "overdue_major",
            "weight": "30",
            "direction": "lower",
            "normalisation": "minmax",
            "target": None,
        },
    ],
}


@pytest.fixture
def example(world):
    """X: A=10, B=0; Y: A=0, B=10; Z: A=6, B=6 (A, B higher is better, min-max, 50/50).
    Normalised A: X 1, Y 0, Z 0.6; B: X 0, Y 1, Z 0.6. Scores X 50, Y 50, Z 60: Z 1st; X and Y tie
    on 50 and A (first of the equal weights) puts X 2nd, Y 3rd."""
    x, y, z = towns(3)
    run = scored_run(
        month(2025, 3),
        {
            x: {"active_per_100": 10, "on_time_rate": 0},
            y: {"active_per_100": 0, "on_time_rate": 10},
            z: {"active_per_100": 6, "on_time_rate": 6},
        },
    )
    assert {s.town_id: s.rank for s in run.scores.all()} == {z.pk: 1, x.pk: 2, y.pk: 3}
    return run, x, y, z


def moves(result):
    return {row["town"].pk: (row["old_rank"], row["new_rank"]) for row in result["rows"]}


def test_a_heavier_first_indicator_lifts_the_town_strong_in_it(example):
    run, x, y, z = example
    # A 70, B 30: X 70, Y 30, Z 0.6×70 + 0.6×30 = 60 → X 1st, Z 2nd, Y 3rd
    result = charts.sensitivity(run, "active_per_100", Decimal(70))
    assert moves(result) == {x.pk: (2, 1), z.pk: (1, 2), y.pk: (3, 3)}
    scores = {row["town"].pk: row["new_score"] for row in result["rows"]}
    assert scores == {x.pk: 70, y.pk: 30, z.pk: 60}
    assert [w["weight"] for w in result["weights"]] == ["70", "30.0000"]


def test_a_lighter_first_indicator_lifts_the_other_town(example):
    run, x, y, z = example
    # A 30, B 70: X 30, Y 70, Z 60 → Y 1st, Z 2nd, X 3rd
    result = charts.sensitivity(run, "active_per_100", Decimal(30))
    assert moves(result) == {y.pk: (3, 1), z.pk: (1, 2), x.pk: (2, 3)}


def test_the_other_weights_scale_to_keep_the_total():
    # accidents 40 → 60: the other 60 points become 40, in the ratio 30:30
    config = charts.changed_config(THREE, "accidents", Decimal(60))
    weights = [Decimal(i["weight"]) for i in config["indicators"]]
    assert weights == [60, 20, 20] and sum(weights) == 100
    # deaths 30 → 10: the other 70 become 90 in the ratio 40:30 (51.4286 + 38.5714 after the rest)
    config = charts.changed_config(THREE, "deaths", Decimal(10))
    weights = [Decimal(i["weight"]) for i in config["indicators"]]
    assert weights == [Decimal("51.4286"), 10, Decimal("38.5714")] and sum(weights) == 100
    assert THREE["indicators"][0]["weight"] == "40"  # the run's config is not touched


@pytest.mark.parametrize(
    ("code", "weight", "message"),
    [
        ("active_per_100", Decimal(0), "新权重须大于 0"),
        ("active_per_100", Decimal(100), "新权重须小于权重合计 100"),
        ("nonexistent", Decimal(10), "本次晾晒没有该指标"),
    ],
)
def test_impossible_changes_are_refused(example, code, weight, message):
    with pytest.raises(charts.SensitivityError, match=message):
        charts.sensitivity(example[0], code, weight)


def test_the_page_shows_the_moves_and_saves_nothing(example, client, world):
    run, x, y, z = example
    before = list(TownScore.objects.values_list("town_id", "rank", "score"))
    client.force_login(world.users["town_a"])
    page = client.get(
        f"/ranking/runs/{run.pk}/towns/{x.pk}/?indicator=active_per_100&weight=70"
    ).content.decode()
    assert f'data-town="{x.pk}" data-old="2" data-new="1"' in page
    assert f'data-town="{y.pk}" data-old="3" data-new="3"' in page
    assert "↑1" in page and "↓1" in page
    assert list(TownScore.objects.values_list("town_id", "rank", "score")) == before
    assert RankingRun.objects.count() == 1 and run.config == TWO
    page = client.get(
        f"/ranking/runs/{run.pk}/towns/{x.pk}/?indicator=active_per_100&weight=120"
    ).content.decode()
    assert 'id="sensitivity-error"' in page and "新权重须小于权重合计" in page


def test_preset_buttons_offer_five_points_either_way(example, client, world):
    run, x, _y, _z = example
    client.force_login(world.users["city"])
    page = client.get(f"/ranking/runs/{run.pk}/towns/{x.pk}/").content.decode()
    assert "?indicator=active_per_100&amp;weight=45#sensitivity" in page
    assert "?indicator=active_per_100&amp;weight=55#sensitivity" in page


def test_a_vetoed_town_stays_last_whatever_the_weight(world):
    x, y, z = towns(3)
    run = scored_run(
        month(2025, 3),
        {
            x: {"active_per_100": 10, "on_time_rate": 10},
            y: {"active_per_100": 0, "on_time_rate": 0},
            z: {"active_per_100": 5, "on_time_rate": 5},
        },
        vetoed={x.pk: "本月发生较大及以上生产安全事故1起"},
    )
    assert run.scores.get(town=x).rank == 3
    result = charts.sensitivity(run, "active_per_100", Decimal(80))
    assert moves(result)[x.pk] == (3, 3)
