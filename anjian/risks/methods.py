"""The two assessment methods: LEC (作业条件危险性评价法, D = L × E × C) and the 5×5 LS risk matrix
(R = L × S), with their published value tables, and the bands that turn a score into a four-colour grade.

Bands come from `RiskPolicy.bands` (`{"lec": {"compare": "gt"|"ge", "bands": [[threshold, grade], …]},
"ls": {…}}`, highest threshold first): a score is the first band's grade whose threshold it passes —
"gt" means strictly above (LEC's classic bands are open below, closed above: D = 70 is 一般危险, not 显著),
"ge" at or above (LS: R = 20 is red). Below every threshold the grade is blue.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.registry.models import RiskGrade

# (value, meaning) in the order the published tables list them.
LEC_L = [
    (Decimal("10"), gettext_lazy("完全可以预料")),
    (Decimal("6"), gettext_lazy("相当可能")),
    (Decimal("3"), gettext_lazy("可能，但不经常")),
    (Decimal("1"), gettext_lazy("可能性小，完全意外")),
    (Decimal("0.5"), gettext_lazy("很不可能，可以设想")),
    (Decimal("0.2"), gettext_lazy("极不可能")),
    (Decimal("0.1"), gettext_lazy("实际不可能")),
]
LEC_E = [
    (Decimal("10"), gettext_lazy("连续暴露")),
    (Decimal("6"), gettext_lazy("每天工作时间内暴露")),
    (Decimal("3"), gettext_lazy("每周一次或偶然暴露")),
    (Decimal("2"), gettext_lazy("每月一次暴露")),
    (Decimal("1"), gettext_lazy("每年几次暴露")),
    (Decimal("0.5"), gettext_lazy("非常罕见地暴露")),
]
LEC_C = [
    (Decimal("100"), gettext_lazy("大灾难，许多人死亡")),
    (Decimal("40"), gettext_lazy("灾难，数人死亡")),
    (Decimal("15"), gettext_lazy("非常严重，一人死亡")),
    (Decimal("7"), gettext_lazy("严重，重伤")),
    (Decimal("3"), gettext_lazy("重大，致残或轻伤")),
    (Decimal("1"), gettext_lazy("引人注目")),
]
LS_L = [
    (Decimal("5"), gettext_lazy("无管控措施，或事件频繁发生")),
    (Decimal("4"), gettext_lazy("管控措施不完善，或近年发生过")),
    (Decimal("3"), gettext_lazy("管控措施部分有效，或偶尔发生")),
    (Decimal("2"), gettext_lazy("管控措施较完善有效，很少发生")),
    (Decimal("1"), gettext_lazy("管控措施完善有效，极不可能发生")),
]
LS_S = [
    (Decimal("5"), gettext_lazy("多人死亡，或重大损失、严重违法")),
    (Decimal("4"), gettext_lazy("一人死亡或多人重伤，或较大损失")),
    (Decimal("3"), gettext_lazy("重伤，或一定损失、停产")),
    (Decimal("2"), gettext_lazy("轻伤，或较小损失")),
    (Decimal("1"), gettext_lazy("无伤亡，影响轻微")),
]

GRADE_LABELS = {
    RiskGrade.RED: gettext_lazy("重大风险（红）"),
    RiskGrade.ORANGE: gettext_lazy("较大风险（橙）"),
    RiskGrade.YELLOW: gettext_lazy("一般风险（黄）"),
    RiskGrade.BLUE: gettext_lazy("低风险（蓝）"),
}


class AssessmentError(ValueError):
    pass


@dataclass(frozen=True)
class Assessment:
    method: str
    score: Decimal
    grade: str
    explanation: str


def band_grade(method, score, bands):
    """The grade `score` earns under the `bands` (the whole policy dict) for `method`."""
    rule = bands[method]
    above = (lambda s, t: s > t) if rule["compare"] == "gt" else (lambda s, t: s >= t)
    for threshold, grade in rule["bands"]:
        if above(Decimal(str(score)), Decimal(str(threshold))):
            return grade
    return RiskGrade.BLUE.value


def band_text(method, bands):
    """The bands in words, e.g. "D>320 红；160<D≤320 橙；…", for explanations and the policy page."""
    rule = bands[method]
    letter = "D" if method == "lec" else "R"
    # LEC's bands are open below and closed above; LS's include their lower bound.
    below, at_most = ("<", "≤") if rule["compare"] == "gt" else ("≤", "<")
    parts, upper = [], None
    for threshold, grade in rule["bands"]:
        low = _number(threshold)
        if upper is None:
            span = f"{letter}{'>' if below == '<' else '≥'}{low}"
        else:
            span = f"{low}{below}{letter}{at_most}{_number(upper)}"
        parts.append(f"{span} {GRADE_LABELS[grade]}")
        upper = threshold
    if upper is not None:
        parts.append(f"{letter}{at_most}{_number(upper)} {GRADE_LABELS[RiskGrade.BLUE]}")
    return "；".join(parts)


def assess(method, bands, l_value, c_value, e_value=None):
    """Score and grade one assessment; every input must be a value of the method's table."""
    if method == "lec":
        l_value = _table_value(l_value, LEC_L, "L")
        e_value = _table_value(e_value, LEC_E, "E")
        c_value = _table_value(c_value, LEC_C, "C")
        score = l_value * e_value * c_value
        formula = (
            f"D = L × E × C = {_number(l_value)} × {_number(e_value)} × {_number(c_value)} = {_number(score)}"
        )
    elif method == "ls":
        l_value = _table_value(l_value, LS_L, "L")
        c_value = _table_value(c_value, LS_S, "S")
        score = l_value * c_value
        formula = f"R = L × S = {_number(l_value)} × {_number(c_value)} = {_number(score)}"
    else:
        raise AssessmentError(_("评价方法“%(m)s”无效，应为 lec 或 ls") % {"m": method})
    grade = band_grade(method, score, bands)
    explanation = _("%(formula)s；分级标准：%(bands)s；结果：%(grade)s") % {
        "formula": formula,
        "bands": band_text(method, bands),
        "grade": GRADE_LABELS[grade],
    }
    return Assessment(method=method, score=score, grade=grade, explanation=explanation)


def validate_bands(bands):
    """A clear message for the first thing wrong with a bands dict, or None when it is usable."""
    if not isinstance(bands, dict):
        return _("分级标准应为对象")
    for method in ("lec", "ls"):
        rule = bands.get(method)
        if not isinstance(rule, dict) or rule.get("compare") not in ("gt", "ge"):
            return _("%(m)s 的比较方式应为 gt（大于）或 ge（大于等于）") % {"m": method.upper()}
        rows = rule.get("bands")
        if not isinstance(rows, list) or len(rows) != 3:
            return _("%(m)s 应有红、橙、黄三个分界值") % {"m": method.upper()}
        grades = [row[1] if isinstance(row, list | tuple) and len(row) == 2 else None for row in rows]
        if grades != ["red", "orange", "yellow"]:
            return _("%(m)s 的分界值应依次对应红、橙、黄") % {"m": method.upper()}
        try:
            values = [Decimal(str(row[0])) for row in rows]
        except ArithmeticError:
            values = None
        # "NaN" and "Infinity" parse as Decimals but are no threshold (NaN would raise on comparing).
        if values is None or not all(v.is_finite() for v in values):
            return _("%(m)s 的分界值应为数字") % {"m": method.upper()}
        if any(v <= 0 for v in values) or not values[0] > values[1] > values[2]:
            return _("%(m)s 的分界值应为正数且从红到黄依次减小") % {"m": method.upper()}
    return None


def _table_value(value, table, name):
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        value = None
    if value is not None and not value.is_finite():
        value = None  # a signalling NaN would raise on the comparison below
    allowed = [v for v, _meaning in table]
    if value not in allowed:
        raise AssessmentError(
            _("%(name)s 的取值应为 %(allowed)s 之一")
            % {"name": name, "allowed": "、".join(_number(v) for v in allowed)}
        )
    return allowed[allowed.index(value)]


def _number(value):
    """12, 0.5, 1.5 — no trailing zeros, no exponent."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text
