"""GB 18218-2018 worked examples, computed by hand in the comments, and every bad-input message.

Reference values used below (from the standard's tables as shipped in data/):
  Table 1 Q: 氨 10 t, 氯 5 t, 甲醇 500 t, 汽油 200 t, 碳酰氯 0.3 t, 三氧化硫 75 t
  Table 2 Q: W2 10 t, W3 150 t, W5.1 10 t, W5.3 1000 t, W5.4 5000 t
  Table 3 β: 氨 2, 氯 4, 碳酰氯 20        Table 4 β: W2 1.5, W3 1, W5.1 1.5, W5.3 1, W5.4 1, J5 1
  Table 5 α: 0 人 0.5; 1–29 1.0; 30–49 1.2; 50–99 1.5; ≥100 2.0
  Table 6: 一级 R ≥ 100; 二级 50 ≤ R < 100; 三级 10 ≤ R < 50; 四级 R < 10
"""

import csv
import re
from decimal import Decimal

import pytest

from anjian.risks import gb18218 as g
from anjian.risks.gb18218_tables import DATA, tables

D = Decimal


def problems(lines, people=0):
    with pytest.raises(g.EvaluationError) as caught:
        g.evaluate(lines, people)
    return [p.message for p in caught.value.problems]


# --- the tables ----------------------------------------------------------------------------------


def test_tables_have_the_standards_sizes():
    t = tables()
    assert len(t.substances) == 85
    assert len(t.categories) == 24
    assert len(t.toxic_by_name) == 14
    assert [a for _low, _high, a in t.alpha] == [D("2.0"), D("1.5"), D("1.2"), D("1.0"), D("0.5")]


def test_every_cas_number_in_the_data_has_a_valid_check_digit():
    for name, column in (("table1", "cas"), ("beta", "cas_added_for_matching")):
        with open(DATA / f"gb18218_{name}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for cas in re.findall(r"\d{2,7}-\d{2}-\d", row[column]):
                    assert g.validate_cas(cas) == cas


# --- single substance ----------------------------------------------------------------------------


def test_single_substance_exactly_at_its_critical_quantity_is_major():
    # 液氨 10 t: S = 10/10 = 1 ≥ 1 → major. β = 2 (Table 3, 氨); nobody outside: α = 0.5.
    # R = 0.5 × 2 × 1 = 1.0 < 10 → 四级.
    result = g.evaluate([("液氨", "10", None)], 0)
    assert result.s == D("1.0000") and result.is_major
    assert result.alpha == D("0.5")
    assert result.r == D("1.0000") and result.grade == 4
    line = result.lines[0]
    assert (line.name, line.cas, line.critical, line.beta) == ("氨", "7664-41-7", D("10"), D("2"))
    assert line.q_basis == "表1第1项" and line.beta_basis == "表3"
    assert "构成重大危险源" in result.explanation and "四级" in result.explanation


def test_single_substance_just_below_its_critical_quantity_is_not_major():
    # 液氨 9.9999 t: S = 0.99999 < 1 → not major; no R, no grade.
    result = g.evaluate([("液氨", "9.9999", None)], 120)
    assert result.s == D("1.0000")  # shown rounded to four places …
    assert not result.is_major  # … but decided on the exact value
    assert result.r is None and result.grade is None
    assert "不构成重大危险源" in result.explanation


# --- mixtures ------------------------------------------------------------------------------------


def test_mixture_below_one():
    # 甲醇 200 t (Q 500, W5.3 β 1) + 汽油 50 t (Q 200, W5.1 β 1.5):
    # S = 200/500 + 50/200 = 0.4 + 0.25 = 0.65 < 1 → not major.
    result = g.evaluate([("甲醇", 200, "W5.3"), ("汽油", 50, "W5.1")], 10)
    assert result.s == D("0.6500") and not result.is_major and result.grade is None
    assert [line.term for line in result.lines] == [D("0.4000"), D("0.2500")]
    assert result.lines[0].basis == "Q：表1第65项；β：表4 W5.3"


def test_mixture_above_one():
    # 甲醇 300 t: 300/500 = 0.6, β 1 (W5.3) → 0.6
    # 汽油 100 t: 100/200 = 0.5, β 1.5 (W5.1) → 0.75
    # 液氨 8 t:   8/10   = 0.8, β 2 (Table 3) → 1.6
    # S = 1.9 ≥ 1 → major; Σβq/Q = 2.95; 60 people → α = 1.5; R = 1.5 × 2.95 = 4.425 → 四级.
    lines = [("甲醇", 300, "W5.3"), ("汽油", 100, "W5.1"), ("液氨", 8, None)]
    result = g.evaluate(lines, 60)
    assert result.s == D("1.9000") and result.is_major
    assert [line.weighted for line in result.lines] == [D("0.6000"), D("0.7500"), D("1.6000")]
    assert result.alpha == D("1.5") and result.r == D("4.4250") and result.grade == 4


def test_thirds_add_up_to_exactly_one():
    # 碳酰氯 0.1 t: 0.1/0.3 = 1/3; 三氧化硫 25 t (J5 for β): 25/75 = 1/3; W3 50 t: 50/150 = 1/3.
    # S = 1 exactly → major (28-digit division alone would give 0.999…9).
    result = g.evaluate([("光气", "0.1", None), ("三氧化硫", 25, "J5"), ("W3", 50, None)], 0)
    assert result.is_major and result.s == D("1.0000")
    # Σβq/Q = 20/3 + 1/3 + 1/3 = 22/3; R = 0.5 × 22/3 = 3.6667 → 四级.
    assert result.r == D("3.6667") and result.grade == 4


def test_category_code_alone_uses_its_own_q_and_beta():
    # W2 (易燃气体) 5 t: Q 10 (Table 2), β 1.5 (Table 4): term 0.5, weighted 0.75.
    line = g.evaluate([("w2", 5, None)], 0).lines[0]
    assert (line.critical, line.beta, line.term, line.weighted) == (
        D("10"),
        D("1.5"),
        D("0.5000"),
        D("0.7500"),
    )
    assert line.q_basis == "表2 W2" and line.beta_basis == "表4 W2"


def test_unlisted_substance_with_a_category_goes_by_table_2():
    # 乙酸 is not in Table 1; as W5.4: Q 5000, β 1. 37% 甲醛 (bare name, category given) likewise.
    result = g.evaluate([("乙酸", 2500, "W5.4"), ("甲醛", 100, "J5")], 0)
    assert [line.critical for line in result.lines] == [D("5000"), D("500")]
    assert result.s == D("0.7000")  # 2500/5000 + 100/500
    assert result.lines[0].basis == "Q：表2 W5.4；β：表4 W5.4"


def test_toxic_gas_outside_table_1_takes_table_3_beta():
    # 一氧化碳 (CAS 630-08-0) is not in Table 1 but is in Table 3 (β 2); as J3: Q 50.
    line = g.evaluate([("630-08-0", 25, "J3")], 0).lines[0]
    assert (line.name, line.critical, line.beta, line.beta_basis) == ("一氧化碳", D("50"), D("2"), "表3")


# --- grade bands: 氯 (Q 5, β 4), 100 people (α 2.0): R = 2 × 4 × q/5 = 1.6·q ----------------------


@pytest.mark.parametrize(
    ("quantity", "r", "grade"),
    [
        ("62.5", "100.0000", 1),  # 1.6 × 62.5 = 100 → 一级 (lower bound included)
        ("62.4999", "99.9998", 2),  # 99.99984 → 二级
        ("31.25", "50.0000", 2),  # 50 → 二级
        ("31.2499", "49.9998", 3),  # 49.99984 → 三级
        ("6.25", "10.0000", 3),  # 10 → 三级
        ("6.2499", "9.9998", 4),  # 9.99984 → 四级
    ],
)
def test_grade_band_edges(quantity, r, grade):
    result = g.evaluate([("氯", quantity, None)], 100)
    assert result.is_major
    assert (result.r, result.grade) == (D(r), grade)


# --- α: 氯 5 t (S = 1, Σβq/Q = 4), so R = 4α -------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "alpha"),
    [(0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (49, "1.2"), (50, "1.5"), (99, "1.5"), (100, "2.0")],
)
def test_alpha_for_each_population_band(people, alpha):
    result = g.evaluate([("液氯", 5, None)], people)
    assert result.alpha == D(alpha)
    assert result.r == (4 * D(alpha)).quantize(D("0.0001"))


# --- resolving names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "name"),
    [
        ("液氨", "氨"),
        ("氨气", "氨"),
        ("7664-41-7", "氨"),
        ("７６６４－４１－７", "氨"),  # full-width, as a Chinese IME types it
        ("67-56-1", "甲醇"),
        ("木精", "甲醇"),
        ("tdi", "甲苯二异氰酸酯"),
        ("天然气", "甲烷,天然气"),
        ("环氧氯丙烷", "1-氯-2,3-环氧丙烷"),
        ("液化石油气", "液化石油气(含丙烷、丁烷及其混合物)"),
        ("光气", "碳酰氯"),
    ],
)
def test_resolve_names_aliases_and_cas(entered, name):
    resolved = g.resolve(entered)
    assert resolved.kind == "table1" and resolved.name == name


def test_resolve_category_code_case_insensitive():
    assert g.resolve("w5.3").category.code == "W5.3"
    assert g.resolve("J1").category.critical == D("5")


def test_cas_check_digit():
    # 7664-41-7: digits 766441 weighted from the right 1×1+4×2+4×3+6×4+6×5+7×6 = 117 → 7.
    assert g.cas_check_digit("7664-41-7") == 7
    # 67-56-1: 6×1+5×2+7×3+6×4 = 61 → 1.
    assert g.cas_check_digit("67-56-1") == 1
    with pytest.raises(g.SubstanceError, match="校验位错误：按前面的数字，校验位应为 1"):
        g.resolve("67-56-2")
    with pytest.raises(g.SubstanceError, match="格式不正确"):
        g.resolve("6756-1")


# --- bad input: every message names the line and the value ----------------------------------------


def test_unknown_substance():
    (message,) = problems([("神秘液体", 1, None)])
    assert message.startswith("第1行：") and "表1中没有“神秘液体”" in message and "危险性类别" in message


def test_unlisted_cas_without_category():
    # 64-19-7 (乙酸) has a valid check digit but is not in Table 1.
    (message,) = problems([("64-19-7", 1, None)])
    assert "第1行" in message and "64-19-7" in message and "未列入表1" in message


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("-5", "第1行：最大存量须大于0吨（填写的是 -5）"),
        ("0", "第1行：最大存量须大于0吨（填写的是 0）"),
        ("2000000", "第1行：最大存量 2000000 吨超出合理范围（不超过 1000000 吨），请核对单位是否为吨"),
        ("abc", "第1行：最大存量“abc”不是数字"),
        ("NaN", "第1行：最大存量“NaN”不是数字"),
        ("", "第1行：请填写最大存量（吨）"),
        ("1.00001", "第1行：最大存量“1.00001”最多保留4位小数"),
    ],
)
def test_bad_quantities(quantity, expected):
    assert problems([("液氨", quantity, None)]) == [expected]


def test_wrong_check_digit_names_line_and_expected_digit():
    assert problems([("液氨", 1, None), ("67-56-2", 1, "W5.3")]) == [
        "第2行：CAS号“67-56-2”校验位错误：按前面的数字，校验位应为 1"
    ]


def test_unknown_category():
    (message,) = problems([("甲醇", 1, "W99")])
    assert message.startswith("第1行：危险性类别代码“W99”不存在")
    (message,) = problems([("X7", 1, None)])
    assert "第1行" in message and "X7" in message


def test_table_1_substance_outside_table_3_needs_a_category():
    assert problems([("甲醇", 100, None)]) == [
        "第1行：“甲醇”不在表3中，须选择其危险性类别（表2）以按表4取校正系数β"
    ]


def test_category_code_and_a_different_category():
    (message,) = problems([("W2", 1, "W5.3")])
    assert message == "第1行：物质填的是类别代码 W2，与所选危险性类别 W5.3 不一致"


def test_conditional_bare_name_and_ambiguous_cas():
    (message,) = problems([("甲醛", 1, None)])
    assert "第1行" in message and "甲醛(含量>90%)" in message
    (message,) = problems([("6484-52-2", 1, None)])
    assert "第43项" in message and "第44项" in message and "请填写完整品名" in message


def test_negative_and_non_integer_exposed_people():
    assert problems([("液氨", 1, None)], -3) == ["厂外暴露人员数不能为负数（填写的是 -3）"]
    assert problems([("液氨", 1, None)], "很多") == ["厂外暴露人员数“很多”应为整数"]
    assert problems([("液氨", 1, None)], 2.5) == ["厂外暴露人员数“2.5”应为整数"]


def test_empty_lines():
    assert problems([], 0) == ["请至少填写一种危险化学品及其最大存量"]


def test_same_substance_twice_by_alias_and_cas():
    assert problems([("液氨", 1, None), ("7664-41-7", 2, None)]) == [
        "第2行：“7664-41-7”与第1行是同一物质，请合并为一行（填写合计最大存量）"
    ]


def test_all_problems_are_collected():
    messages = problems([("神秘液体", 1, None), ("液氨", -1, None), ("67-56-2", 1, None)], -1)
    assert len(messages) == 4
    assert messages[0].startswith("厂外暴露人员数")
    assert [m[:3] for m in messages[1:]] == ["第1行", "第2行", "第3行"]


def test_line_numbers_can_be_given():
    with pytest.raises(g.EvaluationError) as caught:
        g.evaluate([("液氨", "x", None)], 0, numbers=[4])
    assert caught.value.problems[0].number == 4
    assert str(caught.value).startswith("第4行")
