"""国务院令第493号 Art. 3 at every threshold edge: 以上 includes the number, 以下 excludes it."""

from decimal import Decimal

import pytest

from anjian.accidents.grading import GradingError, grade


@pytest.mark.parametrize(
    ("deaths", "level"),
    [
        (0, "general"),
        (2, "general"),
        (3, "larger"),
        (9, "larger"),
        (10, "major"),
        (29, "major"),
        (30, "extraordinary"),
    ],
)
def test_deaths_edges(deaths, level):
    assert grade(deaths, 0, 0)[0] == level


@pytest.mark.parametrize(
    ("injuries", "level"),
    [(9, "general"), (10, "larger"), (49, "larger"), (50, "major"), (99, "major"), (100, "extraordinary")],
)
def test_serious_injury_edges(injuries, level):
    assert grade(0, injuries, 0)[0] == level


@pytest.mark.parametrize(
    ("loss", "level"),
    [
        ("9999999.99", "general"),
        ("10000000", "larger"),
        ("49999999.99", "larger"),
        ("50000000", "major"),
        ("99999999.99", "major"),
        ("100000000", "extraordinary"),
    ],
)
def test_loss_edges(loss, level):
    assert grade(0, 0, Decimal(loss))[0] == level
    assert grade(0, 0, loss)[0] == level  # text as a form or JSON sends it
    assert grade(0, 0, float(loss))[0] == level  # a JSON number: 9999999.99 must not drift to 10^7


def test_reason_names_the_deciding_criterion_in_the_regulations_words():
    assert grade(3, 0, 0) == ("larger", "死亡3人（3人以上10人以下），为较大事故")
    assert grade(2, 0, 0)[1].startswith("死亡2人（3人以下）、重伤（含急性工业中毒）0人（10人以下）、")
    level, reason = grade(0, 0, "10000000")
    assert level == "larger" and reason == "直接经济损失10,000,000元（1000万元以上5000万元以下），为较大事故"
    assert grade(0, 100, 0)[1] == "重伤（含急性工业中毒）100人（100人以上），为特别重大事故"
    assert "9,999,999.99元（1000万元以下）" in grade(0, 0, "9999999.99")[1]


def test_most_severe_criterion_wins_and_ties_are_all_named():
    # Deaths say 一般, injuries 较大, loss 重大: 重大, and only the loss is named.
    level, reason = grade(1, 12, "60000000")
    assert level == "major"
    assert reason == "直接经济损失60,000,000元（5000万元以上1亿元以下），为重大事故"
    # Deaths and injuries both 较大: both named, the loss (一般) not.
    level, reason = grade(3, 10, "5000")
    assert level == "larger"
    assert reason == "死亡3人（3人以上10人以下）、重伤（含急性工业中毒）10人（10人以上50人以下），为较大事故"
    assert grade(30, 100, "100000000")[0] == "extraordinary"
    assert grade(29, 99, "99999999.99")[0] == "major"
    assert grade(2, 9, "9999999.99")[0] == "general"
    assert grade(9, 49, "49999999.99")[0] == "larger"
    assert grade(2, 50, 0)[0] == "major"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((-1, 0, 0), "死亡人数不能为负数"),
        ((0, -2, 0), "重伤人数（含急性工业中毒）不能为负数"),
        ((0, 0, -5), "直接经济损失不能为负数"),
        ((1.5, 0, 0), "死亡人数应为整数"),
        (("两", 0, 0), "死亡人数应为整数"),
        ((True, 0, 0), "死亡人数应为不小于0的整数"),
        ((None, 0, 0), "死亡人数应为不小于0的整数"),
        ((0, 0, "abc"), "直接经济损失不是有效金额"),
        ((0, 0, "NaN"), "直接经济损失不是有效金额"),
        ((0, 0, float("inf")), "直接经济损失不是有效金额"),
        ((0, 0, [1]), "直接经济损失不是有效金额"),
        ((10_001, 0, 0), "超出合理范围"),
        ((0, 10_001, 0), "超出合理范围"),
        ((0, 0, "1000000000000"), "应小于1万亿元"),
        ((0, 0, "1.005"), "最多两位小数"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(args, words):
    with pytest.raises(GradingError) as error:
        grade(*args)
    assert words in error.value.message


def test_limits_themselves_are_accepted():
    assert grade(10_000, 10_000, "999999999999.99")[0] == "extraordinary"
    assert grade("3", "0", "0")[0] == "larger"  # form text
    assert grade(3.0, 0, 0)[0] == "larger"  # a JSON 3.0 is still three people
