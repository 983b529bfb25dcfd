"""LEC and LS: the published tables, every band edge, custom bands, the bands in words, bad input.

The LEC products that occur near the default edges were listed from the tables by hand:
D = 63 (3×3×7), 70 (10×1×7, 1×10×7), 75 (10×0.5×15), 150 (10×1×15), 180 (10×6×3),
252 (6×6×7), 300 (10×10×3), 360 (3×3×40). 160 and 320 themselves cannot occur with the tables,
so their edges are tested with scores given directly to `band_grade` and with custom bands.
"""

import itertools
from decimal import Decimal

import pytest

from anjian.risks import methods
from anjian.risks.methods import AssessmentError, assess, band_grade, band_text, validate_bands
from anjian.risks.models import default_bands

BANDS = default_bands()


def lec(l_value, e_value, c_value, bands=BANDS):
    return assess("lec", bands, l_value, c_value, e_value=e_value)


@pytest.mark.parametrize(
    ("l_value", "e_value", "c_value", "score", "grade"),
    [
        ("3", "3", "7", "63", "blue"),
        ("10", "1", "7", "70", "blue"),  # on the edge: LEC bands are closed above, D = 70 is not yellow
        ("1", "10", "7", "70", "blue"),
        ("10", "0.5", "15", "75", "yellow"),
        ("10", "1", "15", "150", "yellow"),
        ("3", "0.5", "100", "150", "yellow"),
        ("10", "6", "3", "180", "orange"),
        ("6", "6", "7", "252", "orange"),
        ("10", "10", "3", "300", "orange"),
        ("3", "3", "40", "360", "red"),
        ("10", "10", "100", "10000", "red"),
        ("0.1", "0.5", "1", "0.05", "blue"),
    ],
)
def test_lec_products_near_the_default_edges(l_value, e_value, c_value, score, grade):
    result = lec(l_value, e_value, c_value)
    assert result.score == Decimal(score)
    assert result.grade == grade


@pytest.mark.parametrize(
    ("score", "grade"),
    [("70", "blue"), ("70.01", "yellow"), ("160", "yellow"), ("160.01", "orange"), ("320", "orange")]
    + [("320.01", "red"), ("0", "blue")],
)
def test_lec_default_edges_with_scores_off_the_tables(score, grade):
    assert band_grade("lec", Decimal(score), BANDS) == grade


def test_no_lec_product_falls_on_160_or_320_and_every_product_is_graded_by_the_bands():
    products = {
        lv * ev * cv
        for (lv, _a), (ev, _b), (cv, _c) in itertools.product(methods.LEC_L, methods.LEC_E, methods.LEC_C)
    }
    assert Decimal(70) in products and Decimal(20) in products
    assert Decimal(160) not in products and Decimal(320) not in products
    for score in products:
        expected = "red" if score > 320 else "orange" if score > 160 else "yellow" if score > 70 else "blue"
        assert band_grade("lec", score, BANDS) == expected, score


# Every product of the 5×5 matrix (there are 14 distinct ones) and its default grade.
LS_GRADES = {
    1: "blue",
    2: "blue",
    3: "blue",
    4: "blue",
    5: "blue",
    6: "blue",
    8: "blue",
    9: "yellow",
    10: "yellow",
    12: "yellow",
    15: "orange",
    16: "orange",
    20: "red",
    25: "red",
}


def test_every_ls_product_is_mapped():
    seen = {}
    for likelihood, severity in itertools.product(range(1, 6), range(1, 6)):
        result = assess("ls", BANDS, likelihood, severity)
        assert result.score == likelihood * severity
        seen[int(result.score)] = result.grade
    assert seen == LS_GRADES


def test_ls_explanation_shows_the_computation():
    result = assess("ls", BANDS, "4", "5")
    assert result.grade == "red"
    assert result.explanation.startswith("R = L × S = 4 × 5 = 20；分级标准：R≥20 重大风险（红）")
    assert result.explanation.endswith("结果：重大风险（红）")


def test_lec_explanation_shows_the_computation():
    result = lec("0.5", "6", "15")
    assert result.score == Decimal("45") and result.grade == "blue"
    assert result.explanation.startswith("D = L × E × C = 0.5 × 6 × 15 = 45；")
    assert "结果：低风险（蓝）" in result.explanation


def custom(lec_compare, lec_bands, ls_compare="ge", ls_bands=((20, "red"), (15, "orange"), (9, "yellow"))):
    return {
        "lec": {"compare": lec_compare, "bands": [list(row) for row in lec_bands]},
        "ls": {"compare": ls_compare, "bands": [list(row) for row in ls_bands]},
    }


def test_custom_lec_bands_ge_against_gt_on_products_that_occur():
    # The older five-level table's edges 20 and 70, with 160 as red: D = 70 and D = 20 both occur.
    edges = ((160, "red"), (70, "orange"), (20, "yellow"))
    at_or_above, strictly = custom("ge", edges), custom("gt", edges)
    assert lec("10", "1", "7", at_or_above).grade == "orange"  # 70 ≥ 70
    assert lec("10", "1", "7", strictly).grade == "yellow"  # 70 is not > 70, but > 20
    assert lec("10", "2", "1", at_or_above).grade == "yellow"  # 20 ≥ 20
    assert lec("10", "2", "1", strictly).grade == "blue"
    assert lec("6", "3", "1", at_or_above).grade == "blue"  # 18
    assert lec("6", "0.5", "7", strictly).grade == "yellow"  # 21


def test_custom_ls_bands_gt_moves_every_edge():
    strictly = custom("gt", BANDS["lec"]["bands"], "gt")
    assert assess("ls", strictly, 4, 5).grade == "orange"  # 20 is not > 20
    assert assess("ls", strictly, 5, 5).grade == "red"
    assert assess("ls", strictly, 3, 5).grade == "yellow"  # 15
    assert assess("ls", strictly, 4, 4).grade == "orange"  # 16
    assert assess("ls", strictly, 3, 3).grade == "blue"  # 9
    assert assess("ls", strictly, 2, 5).grade == "yellow"  # 10


def test_decimal_thresholds_and_scores():
    bands = custom("gt", ((Decimal("252.5"), "red"), ("100.5", "orange"), (0.5, "yellow")))
    assert band_grade("lec", Decimal("252.5"), bands) == "orange"
    assert band_grade("lec", Decimal("252.51"), bands) == "red"
    assert band_grade("lec", "0.5", bands) == "blue"
    assert band_grade("lec", 0.6, bands) == "yellow"


def test_band_text_wording_for_the_defaults():
    assert band_text("lec", BANDS) == (
        "D>320 重大风险（红）；160<D≤320 较大风险（橙）；70<D≤160 一般风险（黄）；D≤70 低风险（蓝）"
    )
    assert band_text("ls", BANDS) == (
        "R≥20 重大风险（红）；15≤R<20 较大风险（橙）；9≤R<15 一般风险（黄）；R<9 低风险（蓝）"
    )


def test_band_text_writes_numbers_without_trailing_zeros():
    bands = custom("ge", ((Decimal("400.0"), "red"), ("200.50", "orange"), (Decimal("1E+2"), "yellow")))
    assert band_text("lec", bands) == (
        "D≥400 重大风险（红）；200.5≤D<400 较大风险（橙）；100≤D<200.5 一般风险（黄）；D<100 低风险（蓝）"
    )


def test_band_text_is_in_the_explanation_with_the_bands_in_force():
    bands = custom("ge", ((160, "red"), (70, "orange"), (20, "yellow")))
    result = lec("10", "1", "7", bands)
    assert band_text("lec", bands) in result.explanation and "70≤D<160" in result.explanation


@pytest.mark.parametrize(
    ("method", "values", "message"),
    [
        (
            "lec",
            {"l_value": "5", "e_value": "6", "c_value": "7"},
            "L 的取值应为 10、6、3、1、0.5、0.2、0.1 之一",
        ),
        ("lec", {"l_value": "6", "e_value": "4", "c_value": "7"}, "E 的取值应为 10、6、3、2、1、0.5 之一"),
        ("lec", {"l_value": "6", "e_value": None, "c_value": "7"}, "E 的取值应为"),
        ("lec", {"l_value": "6", "e_value": "6", "c_value": "50"}, "C 的取值应为 100、40、15、7、3、1 之一"),
        ("lec", {"l_value": "abc", "e_value": "6", "c_value": "7"}, "L 的取值应为"),
        ("lec", {"l_value": "", "e_value": "6", "c_value": "7"}, "L 的取值应为"),
        ("lec", {"l_value": "NaN", "e_value": "6", "c_value": "7"}, "L 的取值应为"),
        ("lec", {"l_value": "sNaN", "e_value": "6", "c_value": "7"}, "L 的取值应为"),
        ("ls", {"l_value": "6", "c_value": "1"}, "L 的取值应为 5、4、3、2、1 之一"),
        ("ls", {"l_value": "0", "c_value": "1"}, "L 的取值应为"),
        ("ls", {"l_value": "2", "c_value": "2.5"}, "S 的取值应为 5、4、3、2、1 之一"),
        ("ls", {"l_value": "2", "c_value": None}, "S 的取值应为"),
        ("LEC", {"l_value": "6", "e_value": "6", "c_value": "7"}, "评价方法“LEC”无效，应为 lec 或 ls"),
        ("matrix", {"l_value": "1", "c_value": "1"}, "评价方法“matrix”无效"),
    ],
)
def test_assess_rejects_values_off_the_tables(method, values, message):
    with pytest.raises(AssessmentError, match=message):
        assess(method, BANDS, **values)


def test_assess_accepts_numbers_and_equal_decimals():
    assert lec(10, 1.0, 7).score == Decimal("70")
    assert lec(Decimal("10.0"), "1", "7.0").grade == "blue"
    assert assess("ls", BANDS, 5.0, Decimal("4")).score == 20
    # The E given to an LS assessment plays no part.
    assert assess("ls", BANDS, 2, 2, e_value="whatever").score == 4


def test_default_bands_are_valid():
    assert validate_bands(default_bands()) is None


def _with(method, **changes):
    bands = default_bands()
    bands[method].update(changes)
    return bands


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "分级标准应为对象"),
        ({"lec": default_bands()["lec"]}, "LS 的比较方式应为 gt（大于）或 ge（大于等于）"),
        (_with("lec", compare="gte"), "LEC 的比较方式应为 gt（大于）或 ge（大于等于）"),
        (_with("lec", compare=None), "LEC 的比较方式应为"),
        (_with("ls", bands=[[20, "red"], [15, "orange"]]), "LS 应有红、橙、黄三个分界值"),
        (_with("ls", bands="20,15,9"), "LS 应有红、橙、黄三个分界值"),
        (_with("ls", bands=[[20, "red"], [15, "orange"], [9, "yellow"], [3, "blue"]]), "LS 应有红、橙、黄"),
        (
            _with("lec", bands=[[320, "red"], [160, "yellow"], [70, "orange"]]),
            "LEC 的分界值应依次对应红、橙、黄",
        ),
        (_with("lec", bands=[[320, "red"], [160, "orange"], 70]), "LEC 的分界值应依次对应红、橙、黄"),
        (_with("lec", bands=[["高", "red"], [160, "orange"], [70, "yellow"]]), "LEC 的分界值应为数字"),
        (_with("lec", bands=[[None, "red"], [160, "orange"], [70, "yellow"]]), "LEC 的分界值应为数字"),
        (_with("lec", bands=[["NaN", "red"], [160, "orange"], [70, "yellow"]]), "LEC 的分界值应为数字"),
        (_with("lec", bands=[["Infinity", "red"], [160, "orange"], [70, "yellow"]]), "LEC 的分界值应为数字"),
        (
            _with("lec", bands=[[320, "red"], [160, "orange"], [0, "yellow"]]),
            "LEC 的分界值应为正数且从红到黄依次减小",
        ),
        (_with("lec", bands=[[320, "red"], [-1, "orange"], [-5, "yellow"]]), "LEC 的分界值应为正数"),
        (_with("lec", bands=[[160, "red"], [160, "orange"], [70, "yellow"]]), "从红到黄依次减小"),
        (
            _with("ls", bands=[[9, "red"], [15, "orange"], [20, "yellow"]]),
            "LS 的分界值应为正数且从红到黄依次减小",
        ),
    ],
)
def test_validate_bands_names_what_is_wrong(bands, message):
    error = validate_bands(bands)
    assert error is not None and message in error, error
