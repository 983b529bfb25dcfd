"""The subject list filters, shared by the page, the API and the Excel export."""

from django.db.models import Q
from django.utils.translation import gettext as _

from anjian.core.filtering import parse_choice_param
from anjian.org.filters import filter_territory_sector

from .models import RiskGrade, Subject

FILTER_PARAMS = ("territory", "sector", "kind", "risk_grade", "q")


def filter_subjects(queryset, params, user):
    queryset = filter_territory_sector(queryset, params, user)
    kind = parse_choice_param(params, "kind", _("类型"), Subject.Kind.values)
    if kind:
        queryset = queryset.filter(kind=kind)
    grade = parse_choice_param(params, "risk_grade", _("风险等级"), RiskGrade.values)
    if grade:
        queryset = queryset.filter(risk_grade=grade)
    text = (params.get("q") or "").strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(address__icontains=text)
        )
    return queryset
