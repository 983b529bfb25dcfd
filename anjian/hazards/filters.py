"""The hazard list filters, shared by the page, the API and the Excel export."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.filtering import (
    FilterError,
    parse_bool_param,
    parse_choice_param,
    parse_date_param,
    parse_int_param,
)
from anjian.org.filters import filter_territory_sector

from .models import OPEN_STATES, Hazard, Level, Source, Status, SupervisionLevel

FILTER_PARAMS = (
    "territory",
    "sector",
    "status",
    "level",
    "open",
    "overdue",
    "source",
    "supervision",
    "date_from",
    "date_to",
    "q",
    "subject",
)
SUPERVISION_ANY = "any"


def filter_hazards(queryset, params, user):
    """Narrow `queryset` (already scoped) by the request's parameters. Raises FilterError."""
    queryset = filter_territory_sector(queryset, params, user)
    status = parse_choice_param(params, "status", _("状态"), Status.values)
    if status:
        queryset = queryset.filter(status=status)
    level = parse_choice_param(params, "level", _("隐患等级"), Level.values)
    if level:
        queryset = queryset.filter(level=level)
    source = parse_choice_param(params, "source", _("来源"), Source.values)
    if source:
        queryset = queryset.filter(source=source)
    supervision = parse_choice_param(
        params, "supervision", _("挂牌督办"), [SUPERVISION_ANY, *(v for v in SupervisionLevel.values if v)]
    )
    if supervision == SUPERVISION_ANY:
        queryset = queryset.exclude(supervision_level="")
    elif supervision:
        queryset = queryset.filter(supervision_level=supervision)
    is_open = parse_bool_param(params, "open")
    if is_open is True:
        queryset = queryset.filter(status__in=OPEN_STATES)
    elif is_open is False:
        queryset = queryset.exclude(status__in=OPEN_STATES)
    overdue = parse_bool_param(params, "overdue")
    if overdue is True:
        queryset = queryset.filter(Hazard.objects.overdue_q())
    elif overdue is False:
        queryset = queryset.exclude(Hazard.objects.overdue_q())
    subject_id = parse_int_param(params, "subject", _("监管对象"))
    if subject_id is not None:
        queryset = queryset.filter(subject_id=subject_id)
    queryset = _date_range(queryset, params)
    text = (params.get("q") or "").strip()
    if text:
        queryset = queryset.filter(
            Q(code__icontains=text) | Q(title__icontains=text) | Q(subject__name__icontains=text)
        )
    return queryset


def _date_range(queryset, params):
    date_from = parse_date_param(params, "date_from", _("发现日期起"))
    date_to = parse_date_param(params, "date_to", _("发现日期止"))
    if date_from and date_to and date_from > date_to:
        raise FilterError(_("发现日期起（date_from）晚于止（date_to）"))
    tz = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(found_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(found_at__lt=end)
    return queryset
