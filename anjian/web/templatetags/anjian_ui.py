"""Small template helpers of the page shell."""

from functools import lru_cache

from django import template
from django.urls import reverse
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


# The rows of the hazard list, as the template would write them, built in Python: a page of 50
# hazards is drawn twice (table for desktops, cards for phones), and through the template engine
# the rows cost more than everything else on the page. Every value is escaped here.
def _detail_prefix():
    # "/hazards/" from the detail route itself, so a changed prefix or script name still holds.
    return reverse("hazards:detail", args=[0]).removesuffix("0/")


def _row_values(hazard, language, prefix):
    town = hazard.town.name if hazard.town_id else gettext("市本级")
    return {
        "url": f"{prefix}{hazard.pk}/",
        "code": escape(hazard.code),
        "title": escape(hazard.title),
        "subject": escape(hazard.subject.name),
        "town": escape(town),
        "sector": escape(hazard.sector.name),
        "badges": _badges_html(hazard.status, hazard.level, hazard.supervision_level, language),
        "deadline": hazard_deadline(hazard),
    }


@register.simple_tag
def hazard_table_rows(hazards):
    language, prefix = get_language(), _detail_prefix()
    rows = []
    for hazard in hazards:
        v = _row_values(hazard, language, prefix)
        rows.append(
            f'<tr><td class="text-nowrap"><a href="{v["url"]}">{v["code"]}</a></td>'
            f'<td><a class="text-body text-decoration-none" href="{v["url"]}">{v["title"]}</a></td>'
            f'<td>{v["subject"]}</td><td class="text-nowrap">{v["town"]}</td>'
            f'<td class="text-nowrap">{v["sector"]}</td><td>{v["badges"]}</td>'
            f'<td class="text-nowrap">{v["deadline"]}</td></tr>'
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def hazard_cards(hazards):
    language, prefix = get_language(), _detail_prefix()
    limit = escape(gettext("期限"))
    cards = []
    for hazard in hazards:
        v = _row_values(hazard, language, prefix)
        cards.append(
            f'<a class="card hazard-card text-decoration-none" href="{v["url"]}"><div class="card-body py-2">'
            f'<div class="d-flex justify-content-between small text-body-secondary"><span>{v["code"]}</span>'
            f"<span>{v['town']} · {v['sector']}</span></div>"
            f'<div class="card-title fw-semibold text-body my-1">{v["title"]}</div>'
            f'<div class="small text-body-secondary mb-1">{v["subject"]}</div>'
            f'<div class="d-flex flex-wrap gap-1 align-items-center">{v["badges"]}'
            f'<span class="ms-auto small">{limit} {v["deadline"]}</span></div></div></a>'
        )
    return mark_safe("\n".join(cards))


@register.simple_tag
def filter_field(field):
    """Label and input of a list's filter form: what as_field_group draws for these fields (no help
    text, no errors: a bad filter value is reported above the list), without its three templates."""
    label = f'<label class="form-label" for="{field.id_for_label}">{escape(field.label)}</label>'
    return mark_safe(label + str(field))
