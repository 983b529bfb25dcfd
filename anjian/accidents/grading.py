"""The level of a production safety accident, by 《生产安全事故报告和调查处理条例》（国务院令第493号）
Article 3.

Each of the three criteria — deaths, serious injuries (including acute industrial poisoning), direct
economic loss — gives a level on its own; the accident takes the most severe of them. "以上" includes
the number and "以下" excludes it, so 3 deaths is 较大 and 9,999,999.99 yuan is still 一般.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import AccidentLevel

# Most severe first; each band is (level, lower bound included).
LEVELS = (AccidentLevel.EXTRAORDINARY, AccidentLevel.MAJOR, AccidentLevel.LARGER, AccidentLevel.GENERAL)
DEATH_BOUNDS = (30, 10, 3, 0)
INJURY_BOUNDS = (100, 50, 10, 0)
LOSS_BOUNDS = (Decimal("100000000"), Decimal("50000000"), Decimal("10000000"), Decimal("0"))

# Beyond these a figure is a typing error (a loss in fen, a phone number), not an accident.
MAX_PEOPLE = 10_000
MAX_LOSS = Decimal("1000000000000")  # 1万亿元; the column holds up to 999,999,999,999.99


class GradingError(ValueError):
    """An input the grading cannot take; the message names the field and what is wrong."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def _people(value, label):
    if isinstance(value, bool) or value is None or value == "":
        raise GradingError(_("%(f)s应为不小于0的整数") % {"f": label})
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise GradingError(_("%(f)s应为整数：%(v)s") % {"f": label, "v": value})
        value = int(text)
    elif isinstance(value, (float, Decimal)):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise GradingError(_("%(f)s应为整数：%(v)s") % {"f": label, "v": value})
        value = int(value)
    elif not isinstance(value, int):
        raise GradingError(_("%(f)s应为整数") % {"f": label})
    if value < 0:
        raise GradingError(_("%(f)s不能为负数：%(v)s") % {"f": label, "v": value})
    if value > MAX_PEOPLE:
        raise GradingError(
            _("%(f)s %(v)s 超出合理范围（不超过 %(max)s 人），请核对")
            % {"f": label, "v": value, "max": MAX_PEOPLE}
        )
    return value


def _loss(value):
    label = _("直接经济损失")
    if isinstance(value, bool) or value is None or value == "":
        raise GradingError(_("%(f)s应为金额（元），不小于0") % {"f": label})
    try:
        # A float goes through its shortest text so 9999999.99 stays 9999999.99, not 9999999.9899…
        amount = Decimal(str(value).strip()) if isinstance(value, (int, float, str, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise GradingError(_("%(f)s不是有效金额：%(v)s") % {"f": label, "v": value})
    if amount < 0:
        raise GradingError(_("%(f)s不能为负数：%(v)s") % {"f": label, "v": value})
    if amount >= MAX_LOSS:
        raise GradingError(
            _("%(f)s %(v)s 元超出合理范围（应小于1万亿元），请核对单位是否为元") % {"f": label, "v": value}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise GradingError(_("%(f)s最多两位小数（到分）：%(v)s") % {"f": label, "v": value})
    return amount.quantize(Decimal("0.01"))


def clean(deaths, serious_injuries, direct_loss_yuan):
    """The three inputs checked and converted (int, int, Decimal); raises GradingError."""
    return (
        _people(deaths, _("死亡人数")),
        _people(serious_injuries, _("重伤人数（含急性工业中毒）")),
        _loss(direct_loss_yuan),
    )


def _band(value, bounds):
    for level, bound in zip(LEVELS, bounds, strict=True):
        if value >= bound:
            return level
    raise AssertionError("bounds end at 0")  # unreachable: inputs are checked non-negative


def _range_text(level, bounds, unit_texts):
    """The band of `level` in the words of the regulation: "3人以上10人以下", "3人以下"."""
    index = LEVELS.index(level)
    if index == 0:
        return _("%(a)s以上") % {"a": unit_texts[0]}
    if level == AccidentLevel.GENERAL:
        return _("%(a)s以下") % {"a": unit_texts[index - 1]}
    return _("%(a)s以上%(b)s以下") % {"a": unit_texts[index], "b": unit_texts[index - 1]}


def _yuan(amount):
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _criteria(deaths, injuries, loss):
    """[(level, phrase), …] for the three criteria, in the regulation's order."""
    death_units = [_("%(n)s人") % {"n": n} for n in DEATH_BOUNDS]
    injury_units = [_("%(n)s人") % {"n": n} for n in INJURY_BOUNDS]
    loss_units = [_("1亿元"), _("5000万元"), _("1000万元"), "0"]
    rows = []
    level = _band(deaths, DEATH_BOUNDS)
    rows.append(
        (level, _("死亡%(n)s人（%(r)s）") % {"n": deaths, "r": _range_text(level, DEATH_BOUNDS, death_units)})
    )
    level = _band(injuries, INJURY_BOUNDS)
    rows.append(
        (
            level,
            _("重伤（含急性工业中毒）%(n)s人（%(r)s）")
            % {"n": injuries, "r": _range_text(level, INJURY_BOUNDS, injury_units)},
        )
    )
    level = _band(loss, LOSS_BOUNDS)
    rows.append(
        (
            level,
            _("直接经济损失%(n)s元（%(r)s）")
            % {"n": _yuan(loss), "r": _range_text(level, LOSS_BOUNDS, loss_units)},
        )
    )
    return rows


def grade(deaths, serious_injuries, direct_loss_yuan):
    """(level, reason): the level is an `AccidentLevel` value, the reason names the criteria that
    decided it (every criterion reaching the level), e.g. "死亡3人（3人以上10人以下），为较大事故"."""
    deaths, injuries, loss = clean(deaths, serious_injuries, direct_loss_yuan)
    rows = _criteria(deaths, injuries, loss)
    level = min((row[0] for row in rows), key=LEVELS.index)
    # The list separator is language-specific: 、 in Chinese, a comma in English.
    deciding = pgettext("list separator", "、").join(
        phrase for row_level, phrase in rows if row_level == level
    )
    reason = _("%(why)s，为%(level)s") % {
        "why": deciding,
        "level": AccidentLevel(level).label,
    }
    return AccidentLevel(level).value, reason


def level_rank(level):
    """0 for 特别重大 … 3 for 一般 (sorting, "较大 or worse" checks)."""
    return [lv.value for lv in LEVELS].index(level)


SERIOUS_LEVELS = (AccidentLevel.LARGER.value, AccidentLevel.MAJOR.value, AccidentLevel.EXTRAORDINARY.value)
