"""Small template helpers of the page shell."""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from anjian.hazards.models import Level, Status, SupervisionLevel

register = template.Library()

STATUS_STYLES = {
    "reported": "secondary",
    "assigned": "info",
    "rectifying": "warning",
    "submitted": "primary",
    "verified": "success",
    "closed": "dark",
}


@register.filter
def status_style(status):
    return STATUS_STYLES.get(status, "secondary")


# The hazard list renders these for 50 rows twice (table and phone cards). There are only a few
# dozen combinations of status, level and supervision, so each badge group is built once per
# language and reused: the page stays within a few milliseconds of its SQL.
@lru_cache(maxsize=512)
def _badges_html(status, level, supervision_level, language):
    parts = [
        f'<span class="badge text-bg-{STATUS_STYLES.get(status, "secondary")}">{escape(Status(status).label)}</span>'
    ]
    level_style = "text-bg-danger" if level == Level.MAJOR else "text-bg-light border"
    parts.append(f'<span class="badge {level_style}">{escape(Level(level).label)}</span>')
    if supervision_level:
        label = escape(SupervisionLevel(supervision_level).label)
        parts.append(f'<span class="badge text-bg-warning"><i class="bi bi-flag-fill"></i> {label}</span>')
    return mark_safe(" ".join(parts))


@register.simple_tag
def hazard_badges(hazard):
    return _badges_html(hazard.status, hazard.level, hazard.supervision_level, get_language())


@register.simple_tag
def hazard_deadline(hazard):
    if not hazard.deadline:
        return mark_safe('<span class="text-body-secondary">—</span>')
    html = hazard.deadline.isoformat()
    if hazard.is_overdue:
        html += f' <span class="badge text-bg-danger">{escape(gettext("逾期"))}</span>'
    return mark_safe(html)
