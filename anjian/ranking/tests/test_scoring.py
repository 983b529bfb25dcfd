"""The ranking math on small data worked out by hand: each normalisation, missing data and the
rescaling, ties and their rule, the veto, and "explain totals equal the score"."""

import random
from decimal import Decimal

import pytest

from anjian.ranking.scoring import normalise, score_towns, total_from_points, validate_config

D = Decimal


def config(*items, total="100"):
    return {
        "total_weight": total,
        "indicators": [
            {"code": code, "weight": weight, "direction": direction, "normalisation": norm, "target": target}
            for code, weight, direction, norm, target in items
        ],
        "tie_rule": "weights",
    }


# Two real codes of the registry: scoring names them in tie notes and validates them.
X, Y = "active_share", "deaths"


def by_town(results):
    return {r["town_id"]: r for r in results}


def test_minmax_and_target_by_hand():
    # x higher min-max: 10, 20, 30 → 0, .5, 1 (× 60). y lower target 2: 1 → 1, 4 → 2/4, 0 → 1 (× 40).
    values = {1: {X: D(10), Y: D(1)}, 2: {X: D(20), Y: D(4)}, 3: {X: D(30), Y: D(0)}}
    results = score_towns(
        values, config((X, "60", "higher", "minmax", None), (Y, "40", "lower", "target", "2"))
    )
    assert [(r["town_id"], r["score"], r["rank"]) for r in results] == [
        (3, 100.0, 1),
        (2, 50.0, 2),
        (1, 40.0, 3),
    ]
    town = by_town(results)[2]
    assert town["indicators"][X] == {"value": 20.0, "normalised": 0.5, "points": 30.0}
    assert town["indicators"][Y] == {"value": 4.0, "normalised": 0.5, "points": 20.0}
    assert all(r["tie_note"] == "" for r in results)


def test_minmax_lower_and_all_equal():
    assert normalise({1: D(0), 2: D(5), 3: D(10)}, "lower", "minmax") == {1: D(1), 2: D("0.5"), 3: D(0)}
    assert normalise({1: D(3), 2: D(3)}, "higher", "minmax") == {1: D(1), 2: D(1)}
    assert normalise({1: D(3), 2: D(3)}, "lower", "zscore") == {1: D(1), 2: D(1)}


def test_zscore_through_the_normal_cdf():
    # 1, 2, 3: mean 2, population sd √(2/3); z = ∓1.2247; Φ(1.2247) = 0.88966 (tables).
    assert normalise({1: D(1), 2: D(2), 3: D(3)}, "higher", "zscore") == {
        1: D("0.1103"),
        2: D("0.5000"),
        3: D("0.8897"),
    }
    assert normalise({1: D(1), 2: D(2), 3: D(3)}, "lower", "zscore")[1] == D("0.8897")


def test_target_both_directions():
    higher = normalise({1: D("0.45"), 2: D("1.2"), 3: D(-1)}, "higher", "target", "0.9")
    assert higher == {1: D("0.5"), 2: D(1), 3: D(0)}
    lower = normalise({1: D(0), 2: D(4), 3: D(-2), 4: D(1)}, "lower", "target", "2")
    assert lower == {1: D(1), 2: D("0.5"), 3: D(1), 4: D(1)}
    assert normalise({1: D(0), 2: D(1)}, "lower", "target", "0") == {1: D(1), 2: D(0)}


def test_missing_is_null_and_the_rest_is_scaled_up():
    values = {1: {X: D(10), Y: D(1)}, 2: {X: D(20), Y: None}, 3: {X: D(30), Y: D(0)}}
    results = by_town(
        score_towns(values, config((X, "60", "higher", "minmax", None), (Y, "40", "lower", "target", "2")))
    )
    assert results[2]["indicators"][Y] == {"value": None, "normalised": None, "points": None}
    assert results[2]["score"] == 50.0  # 30 points of the 60 it has data for, × 100 / 60
    # A town missing from the values of one indicator is missing too, not zero.
    results = by_town(
        score_towns(
            {1: {X: D(1)}, 2: {X: D(2), Y: D(3)}},
            config((X, "50", "higher", "minmax", None), (Y, "50", "lower", "minmax", None)),
        )
    )
    assert results[1]["indicators"][Y]["points"] is None and results[1]["score"] == 0.0
    assert results[2]["score"] == 100.0


def test_equal_scores_are_ordered_by_the_heaviest_indicator_then_the_next():
    # Equal weights: config order decides which counts as heavier. x: 2, 1, 0 → 50, 25, 0 points;
    # y lower: 10, 5, 0 → 0, 25, 50. Every town scores 50; x decides.
    values = {1: {X: D(0), Y: D(0)}, 2: {X: D(1), Y: D(5)}, 3: {X: D(2), Y: D(10)}}
    results = score_towns(
        values, config((X, "50", "higher", "minmax", None), (Y, "50", "lower", "minmax", None))
    )
    assert [(r["town_id"], r["score"], r["rank"]) for r in results] == [
        (3, 50.0, 1),
        (2, 50.0, 2),
        (1, 50.0, 3),
    ]
    assert "主动发现隐患占比" in results[0]["tie_note"] and "2 个镇街同分" in results[0]["tie_note"]
    # y heavier (60): town 1 scores 40 (x) + 0, town 2 0 + 40.002 (y lower: (3 − 1) / 3 × 60) = 40.00 —
    # equal once rounded, and y's points decide.
    values = {1: {X: D(1), Y: D(3)}, 2: {X: D(0), Y: D(1)}, 3: {X: D(0), Y: D(0)}}
    results = score_towns(
        values, config((X, "40", "higher", "minmax", None), (Y, "60", "lower", "minmax", None))
    )
    assert [(r["town_id"], r["score"], r["rank"]) for r in results] == [
        (3, 60.0, 1),
        (2, 40.0, 2),
        (1, 40.0, 3),
    ]
    assert "1 个镇街同分" in results[1]["tie_note"]
    assert "死亡人数" in results[1]["tie_note"]


def test_competition_ranking_when_everything_is_equal():
    values = {
        1: {X: D(2), Y: D(0)},
        2: {X: D(1), Y: D(5)},
        3: {X: D(1), Y: D(5)},
        4: {X: D(0), Y: D(10)},
    }
    results = score_towns(
        values, config((X, "50", "higher", "minmax", None), (Y, "50", "lower", "minmax", None))
    )
    assert [(r["town_id"], r["score"], r["rank"]) for r in results] == [
        (1, 100.0, 1),
        (2, 50.0, 2),
        (3, 50.0, 2),
        (4, 0.0, 4),
    ]
    assert "并列第2名" in results[1]["tie_note"] and results[3]["tie_note"] == ""


def test_a_vetoed_town_ranks_last_with_its_score():
    values = {1: {X: D(10)}, 2: {X: D(20)}, 3: {X: D(30)}}
    results = score_towns(values, config((X, "100", "higher", "minmax", None)), vetoed={3: "较大事故1起"})
    assert [(r["town_id"], r["score"], r["rank"], r["vetoed"]) for r in results] == [
        (2, 50.0, 1, False),
        (1, 0.0, 2, False),
        (3, 100.0, 3, True),
    ]
    assert "一票否决" in results[2]["tie_note"] and "较大事故1起" in results[2]["tie_note"]


def test_explain_totals_equal_the_score():
    rng = random.Random(6)
    items = [
        (X, "12", "higher", "target", "0.9"),
        (Y, "14", "lower", "minmax", None),
        ("accidents", "10", "lower", "zscore", None),
        ("on_time_rate", "30.5", "higher", "zscore", None),
        ("overdue_major", "33.5", "lower", "target", "1"),
    ]
    cfg = config(*items)
    values = {
        town: {code: None if rng.random() < 0.2 else D(rng.randint(0, 400)) / 100 for code, *_rest in items}
        for town in range(1, 18)
    }
    for result in score_towns(values, cfg):
        points = {code: cell["points"] for code, cell in result["indicators"].items()}
        assert total_from_points(points, cfg) == D(str(result["score"])), result
        # By hand as well: the points it has, scaled up by 100 / the weights it has data for.
        have = sum(D(w) for code, w, *_r in items if points[code] is not None)
        summed = sum(D(str(p)) for p in points.values() if p is not None)
        expected = (summed * 100 / have).quantize(D("0.01")) if have else D(0)
        assert abs(expected - D(str(result["score"]))) <= D("0.01")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"total_weight": "0"}, "权重合计须为大于 0 的数"),
        ({"indicators": []}, "方案中没有任何指标"),
        ({"code": "nonsense"}, "指标代码“nonsense”不存在"),
        ({"weight": "-1"}, "的权重须为大于 0 的数"),
        ({"weight": "50"}, "各指标权重之和为 150，应等于权重合计 100"),
        ({"direction": "up"}, "的方向须为"),
        ({"normalisation": "rank"}, "的标准化方法须为"),
        ({"target": None}, "采用目标值法，须填写目标值"),
        ({"target": "0"}, "的目标值须大于 0"),
        ({"tie_rule": "coin"}, "并列处理规则“coin”无效"),
    ],
)
def test_validate_config_names_what_is_wrong(change, message):
    cfg = config((X, "100", "higher", "target", "0.9"))
    assert validate_config(cfg) == []
    if "indicators" in change or "total_weight" in change or "tie_rule" in change:
        cfg.update(change)
    else:
        cfg["indicators"][0].update(change)
        if "weight" in change and change["weight"] == "50":
            cfg["indicators"].append(
                {"code": Y, "weight": "100", "direction": "lower", "normalisation": "minmax"}
            )
    errors = validate_config(cfg)
    assert any(message in e for e in errors), errors


def test_duplicate_code_is_refused():
    cfg = config((X, "50", "higher", "minmax", None), (X, "50", "higher", "minmax", None))
    assert any("重复" in e for e in validate_config(cfg))
