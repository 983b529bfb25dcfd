"""Template helpers for grades: `{{ grade|grade_badge }}`, `{% grade_reasons subject %}`,
`{{ installation.grade|major_grade_badge }}`.

    {% load risks_tags %}
    {{ subject.dynamic_grade|grade_badge }}   a badge in the grade's colour with its Chinese label
    {% grade_reasons subject %}               a list of how the subject's grade came about
"""

from django import template
from django.utils.html import format_html, format_html_join

from anjian.risks import display
from anjian.risks.grading import describe

register = template.Library()


def _badge(label, background, text="#fff"):
    return format_html(
        '<span class="badge grade-badge" style="background-color:{};color:{}">{}</span>',
        background,
        text,
        label,
    )


@register.filter
def grade_badge(grade):
    """A four-colour grade ("red" … "blue", or empty) as a badge."""
    key = display.grade_key(grade)
    return _badge(
        display.grade_label(grade), display.GRADE_COLORS[key], display.GRADE_TEXT_COLORS.get(key, "#fff")
    )


@register.filter
def grade_color(grade):
    return display.GRADE_COLORS[display.grade_key(grade)]


@register.filter
def major_grade_badge(grade):
    """A major hazard installation's grade (1–4, or None when it is not one) as a badge."""
    if grade not in display.INSTALLATION_GRADE_LABELS:
        return _badge(display.NO_GRADE_LABEL, display.GRADE_COLORS[display.NO_GRADE])
    text = "#212529" if grade == 3 else "#fff"
    return _badge(display.INSTALLATION_GRADE_LABELS[grade], display.INSTALLATION_GRADE_COLORS[grade], text)


@register.simple_tag
def grade_reasons(subject):
    """The subject's grade reasons (written by anjian.risks.grading) as a list, in the reader's
    language; an empty string when it has not been graded yet."""
    reasons = subject.grade_reasons or []
    if not reasons:
        return ""
    items = format_html_join("", "<li>{}</li>", ((describe(reason),) for reason in reasons))
    return format_html('<ul class="grade-reasons mb-0 ps-3">{}</ul>', items)
