"""The subject list filters, shared by the page, the API and the Excel export."""

from django.db.models import Q
from django.utils.translation import gettext as _

from anjian.core.filtering import FilterError, parse_choice_param, parse_int_param
from anjian.org.models import Sector, Territory

from .models import RiskGrade, Subject

FILTER_PARAMS = ("territory", "sector", "kind", "risk_grade", "q")


def filter_subjects(queryset, params, user):
    territory_id = parse_int_param(params, "territory", _("辖区"))
    if territory_id is not None:
        territory = Territory.objects.filter(Territory.visible_q(user), pk=territory_id).first()
        if territory is None:
            raise FilterError(_("参数“辖区”（territory）：辖区 %(id)s 不存在") % {"id": territory_id})
        queryset = queryset.filter(territory_path__pathprefix=territory.path)
    sector = (params.get("sector") or "").strip()
    if sector:
        if not Sector.objects.filter(pk=sector).exists():
            raise FilterError(_("参数“行业领域”（sector）的值“%(v)s”无效") % {"v": sector})
        queryset = queryset.filter(sector_id=sector)
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
