"""The four-colour risk map (四色风险分布图) and the town summary chart.

Who sees it: every signed-in user, each within their own scope (an enterprise sees its own subjects,
a town its town, the committee office the city). The page carries the filters, the town outlines
and the summary table (so the numbers read without JavaScript); the points come from the JSON
endpoint, which takes the same query string. Out-of-scope towns in the filter are a clear 400.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from anjian.core.filtering import FilterError
from anjian.org.models import Sector, Territory

from . import display, mapdata

JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)


@login_required
def map_page(request):
    user = request.user
    error = None
    try:
        filters = mapdata.parse_filters(request.GET, user)
    except FilterError as exc:
        error, filters = str(exc), {"sector": None, "town": None, "grade": None}
    summary = mapdata.town_summary(user, filters)
    query = _query_string(filters)
    context = {
        "filters": filters,
        "error": error,
        "towns": mapdata.town_choices(user),
        "sectors": Sector.objects.all(),
        "legend": display.grade_legend(),
        "summary": summary,
        "map_config": _map_config(query),
    }
    return render(request, "risks/map.html", context, status=400 if error else 200)


@login_required
@gzip_page
def map_data(request):
    try:
        filters = mapdata.parse_filters(request.GET, request.user)
    except FilterError as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(mapdata.feature_collection(request.user, filters))


@login_required
def map_summary(request):
    try:
        filters = mapdata.parse_filters(request.GET, request.user)
    except FilterError as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(mapdata.town_summary(request.user, filters))


def _query_string(filters):
    """The filters back as a query string (validated values only), for the data URL."""
    parts = []
    if filters["sector"]:
        parts.append(f"sector={filters['sector']}")
    if filters["town"]:
        parts.append(f"town={filters['town'].pk}")
    if filters["grade"]:
        parts.append(f"grade={filters['grade']}")
    return "&".join(parts)


def _map_config(query):
    """What map.js needs: tile source (empty: no tile layer), where the data is, the town outlines,
    the colours, and its words in the reader's language."""
    city = Territory.objects.filter(level=Territory.Level.CITY).values("lat", "lon").first() or {}
    data_url = reverse("risks:map_data") + (f"?{query}" if query else "")
    return {
        "tiles": settings.ANJIAN_MAP_TILES or "",
        "attribution": settings.ANJIAN_MAP_ATTRIBUTION or "",
        "data_url": data_url,
        "subject_url": reverse("registry:list"),
        # The installation pages (views_installations) are written alongside; the path is the one
        # docs/risks.md fixes, so the map need not wait for their URL names.
        "installation_url": "/risks/installations/",
        "center": [city.get("lat") or 28.372, city.get("lon") or 121.386],
        "territories": mapdata.territory_layer(),
        "colors": display.GRADE_COLORS,
        "installation_colors": display.INSTALLATION_GRADE_COLORS,
        "labels": {
            "grades": {key: label for key, label, _colour in display.grade_legend()},
            "sector": _("行业领域"),
            "town": _("镇（街道）"),
            "grade": _("动态风险等级"),
            "assessed": _("评价等级"),
            "reasons": _("定级依据"),
            "open": _("查看监管对象"),
            "open_installation": _("查看危险源详情"),
            "installation": _("重大危险源"),
            "subject": _("所属对象"),
            "major_grade": _("级别"),
            "loading": _("正在加载……"),
            "failed": _("地图数据加载失败，请刷新重试"),
            "tiles_failed": _("底图无法加载，仅显示辖区和点位"),
            "shown": _("显示 %(n)s 个对象、%(m)s 个重大危险源"),
            "missing": _("另有 %(n)s 个对象没有坐标，未在图上显示"),
            "city_level": _("市本级"),
        },
    }


urlpatterns = [
    path("map/", map_page, name="map"),
    path("map/data/", map_data, name="map_data"),
    path("map/summary/", map_summary, name="map_summary"),
]
