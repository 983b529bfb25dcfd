"""Excel export of a (scoped, filtered) hazard list, one readable row per hazard."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.org.models import Sector, Territory, Unit
from anjian.registry.excel import check_export_size, write_workbook

from .models import Level, Source, Status, SupervisionLevel, is_overdue

FIELDS = (
    "code",
    "title",
    "location",
    "subject__name",
    "subject__code",
    "town_id",
    "sector_id",
    "level",
    "status",
    "deadline",
    "source",
    "found_at",
    "found_by__person__name",
    "responsible_person",
    "funds",
    "supervising_unit_id",
    "supervision_level",
    "supervision_deadline",
    "submitted_at",
    "verified_at",
    "closed_at",
)


def headers():
    return (
        _("隐患编号"),
        _("隐患描述"),
        _("具体部位"),
        _("监管对象"),
        _("统一社会信用代码/编码"),
        _("所在镇（街道）"),
        _("行业领域"),
        _("隐患等级"),
        _("状态"),
        _("整改期限"),
        _("是否逾期"),
        _("来源"),
        _("发现时间"),
        _("发现人"),
        _("整改责任人"),
        _("整改资金（元）"),
        _("监管单位"),
        _("挂牌督办"),
        _("督办期限"),
        _("整改完成时间"),
        _("复查时间"),
        _("销号时间"),
    )


def local(moment):
    # Excel has no time zones: write the wall-clock time of the city.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def hazard_rows(queryset):
    labels = {
        "level": {v: str(label) for v, label in Level.choices},
        "status": {v: str(label) for v, label in Status.choices},
        "source": {v: str(label) for v, label in Source.choices},
        "supervision": {v: str(label) for v, label in SupervisionLevel.choices},
    }
    towns = dict(Territory.objects.filter(level=Territory.Level.TOWN).values_list("id", "name"))
    sectors = dict(Sector.objects.values_list("code", "name"))
    units = dict(Unit.objects.values_list("id", "name"))
    today = timezone.localdate()
    yes, no = _("是"), _("否")
    for row in queryset.values(*FIELDS).iterator(chunk_size=2000):
        overdue = is_overdue(row["deadline"], row["status"], today)
        yield (
            row["code"],
            row["title"],
            row["location"],
            row["subject__name"],
            row["subject__code"],
            towns.get(row["town_id"], ""),
            sectors.get(row["sector_id"], row["sector_id"]),
            labels["level"].get(row["level"], row["level"]),
            labels["status"].get(row["status"], row["status"]),
            row["deadline"],
            yes if overdue else no,
            labels["source"].get(row["source"], row["source"]),
            local(row["found_at"]),
            row["found_by__person__name"] or "",
            row["responsible_person"],
            row["funds"],
            units.get(row["supervising_unit_id"], ""),
            labels["supervision"].get(row["supervision_level"], ""),
            row["supervision_deadline"],
            local(row["submitted_at"]),
            local(row["verified_at"]),
            local(row["closed_at"]),
        )


def export_hazards(queryset):
    """An open .xlsx file of the (already scoped and filtered) hazards. Raises ExportTooLarge."""
    check_export_size(queryset)
    return write_workbook(_("隐患"), headers(), hazard_rows(queryset))
