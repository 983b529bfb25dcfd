"""The territory and sector filters every list of territory-bound records shares (subjects, hazards
…): the same parameters, the same checks and the same messages on the page, the API and the export."""

from django.utils.translation import gettext as _

from anjian.core.filtering import FilterError, parse_int_param

from .models import Sector, Territory


def parse_territory(params, user):
    """The Territory the `territory` parameter asks for, or None when it is not given. A territory the
    user may not see is answered as one that does not exist, so the message tells nothing about it."""
    territory_id = parse_int_param(params, "territory", _("辖区"))
    if territory_id is None:
        return None
    territory = Territory.objects.visible_to(user).filter(pk=territory_id).first()
    if territory is None:
        raise FilterError(_("参数“辖区”（territory）：辖区 %(id)s 不存在") % {"id": territory_id})
    return territory


def parse_sector(params):
    """The sector code the `sector` parameter asks for, or None when it is not given."""
    sector = (params.get("sector") or "").strip()
    if not sector:
        return None
    if not Sector.objects.filter(pk=sector).exists():
        raise FilterError(_("参数“行业领域”（sector）的值“%(v)s”无效") % {"v": sector})
    return sector


def filter_territory_sector(queryset, params, user, path_field="territory_path", sector_field="sector_id"):
    """Narrow `queryset` to the asked territory (and everything under it) and sector. Raises
    FilterError naming the parameter."""
    territory = parse_territory(params, user)
    if territory is not None:
        queryset = queryset.filter(**{f"{path_field}__pathprefix": territory.path})
    sector = parse_sector(params)
    if sector is not None:
        queryset = queryset.filter(**{sector_field: sector})
    return queryset
