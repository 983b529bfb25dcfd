"""The hazards side of other apps' pages: `{% load hazards_tags %}`.

    {% subject_hazards subject %}         the subject page's panel of its hazards (the latest few)
    {% report_hazard_button subject %}    the "上报隐患" button for that subject, if the user may report

The subject page belongs to registry, which sits below hazards in the app layers (pyproject.toml) and
must not import it. A template `{% load %}` names the library at render time instead of importing it,
so the page shows the hazards without registry's Python knowing hazards exist (as it loads risks_tags).
"""

from django import template

from anjian.hazards.models import Hazard
from anjian.hazards.services import can_report

register = template.Library()

HAZARDS_SHOWN = 20


@register.inclusion_tag("hazards/_subject_hazards.html", takes_context=True)
def subject_hazards(context, subject):
    hazards = (
        Hazard.objects.visible_to(context["request"].user)
        .filter(subject=subject)
        .select_related("town", "sector")
    )
    return {"subject": subject, "hazards": hazards[:HAZARDS_SHOWN], "hazard_count": hazards.count()}


@register.inclusion_tag("hazards/_report_button.html", takes_context=True)
def report_hazard_button(context, subject):
    return {"subject": subject, "can_report": can_report(context["request"].user)}
