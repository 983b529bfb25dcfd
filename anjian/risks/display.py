"""How grades look: the four colours, their labels, and the 一级–四级 names of major hazard
installations. The map, its chart and the badges of every risk page read these, so a grade has one
colour everywhere."""

from django.utils.translation import gettext_lazy as _

from anjian.registry.models import RiskGrade

from .methods import GRADE_LABELS

NO_GRADE = "none"
# 安委办〔2016〕11号 fixes the four colours; these shades keep white text readable on red, orange
# and blue and dark text on yellow.
GRADE_COLORS = {
    RiskGrade.RED.value: "#d9363e",
    RiskGrade.ORANGE.value: "#f5871f",
    RiskGrade.YELLOW.value: "#f2c200",
    RiskGrade.BLUE.value: "#1e6fd9",
    NO_GRADE: "#8c959f",
}
GRADE_TEXT_COLORS = {RiskGrade.YELLOW.value: "#212529"}
NO_GRADE_LABEL = _("未定级")

# GB 18218-2018 §4.2.3: 一级 is the most severe, as red is among the four colours.
INSTALLATION_GRADE_LABELS = {1: _("一级"), 2: _("二级"), 3: _("三级"), 4: _("四级")}
INSTALLATION_GRADE_COLORS = {
    1: GRADE_COLORS["red"],
    2: GRADE_COLORS["orange"],
    3: GRADE_COLORS["yellow"],
    4: GRADE_COLORS["blue"],
}


def grade_key(grade):
    """The grade as a colour key: one of the four, or "none"."""
    return grade if grade in GRADE_COLORS and grade else NO_GRADE


def grade_label(grade):
    return GRADE_LABELS.get(grade, NO_GRADE_LABEL)


def effective_grade(subject):
    """The grade the map shows: the dynamic grade, else (not yet graded by grading.py) the
    assessed one."""
    return subject.dynamic_grade or subject.risk_grade


def grade_legend():
    """[(key, label, colour)] red … blue, then no grade: for legends, filters and charts."""
    keys = [g.value for g in (RiskGrade.RED, RiskGrade.ORANGE, RiskGrade.YELLOW, RiskGrade.BLUE)]
    return [(key, str(grade_label(key)), GRADE_COLORS[key]) for key in keys] + [
        (NO_GRADE, str(NO_GRADE_LABEL), GRADE_COLORS[NO_GRADE])
    ]
