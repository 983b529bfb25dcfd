"""The subject columns of the Excel format, the limits, the errors and the vocabulary of allowed values."""

import datetime
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from anjian.org.models import Role, Sector, Territory, Unit
from anjian.org.scope import scope_for

from ..models import RiskGrade, Subject

DATA_SHEET = "监管对象"
HELP_SHEET = "说明"
CHOICES_SHEET = "选项"

KIND = "类型"
NAME = "名称"
CODE = "统一社会信用代码/编码"
TOWN = "所在镇（街道）"
VILLAGE = "村（社区）"
GRID = "网格"
SECTOR = "行业领域"
ADDRESS = "地址"
LAT = "纬度"
LON = "经度"
RISK = "风险等级"
CONTACT = "联系人"
PHONE = "联系电话"
UNIT = "监管单位"

HEADERS = (KIND, NAME, CODE, TOWN, VILLAGE, GRID, SECTOR, ADDRESS, LAT, LON, RISK, CONTACT, PHONE, UNIT)
REQUIRED = (KIND, NAME, CODE, TOWN, SECTOR)
# Which column a model field's validation message belongs to (for full_clean errors).
FIELD_COLUMNS = {
    "kind": KIND,
    "name": NAME,
    "code": CODE,
    "territory": VILLAGE,
    "grid": GRID,
    "sector": SECTOR,
    "address": ADDRESS,
    "lat": LAT,
    "lon": LON,
    "risk_grade": RISK,
    "contact_name": CONTACT,
    "contact_phone": PHONE,
    "supervising_unit": UNIT,
}

IMPORT_ROLES = frozenset({Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN})
MAX_IMPORT_ROWS = 20_000
MAX_EXPORT_ROWS = 200_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The risk colours people write by themselves, besides the full labels.
RISK_SHORT = {"红": RiskGrade.RED, "橙": RiskGrade.ORANGE, "黄": RiskGrade.YELLOW, "蓝": RiskGrade.BLUE}


class ImportFileError(Exception):
    """The file as a whole cannot be read; one message says why."""


class ExportTooLarge(Exception):
    def __init__(self, count, limit):
        self.count = count
        super().__init__(
            _("要导出的记录有 %(n)d 条，超过单次导出上限 %(max)d 条，请缩小筛选范围后再导出。")
            % {"n": count, "max": limit}
        )


@dataclass
class ImportResult:
    created: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def can_import(user):
    return bool(scope_for(user).roles & IMPORT_ROLES)


def row_error(row, column, message):
    return _("第%(row)d行「%(col)s」：%(msg)s") % {"row": row, "col": column, "msg": message}


# ---------------------------------------------------------------------------------------------
# Cell values


def cell_text(value):
    """A cell as trimmed text; whole numbers lose the ".0" Excel gives them (phones, codes)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_number(value):
    """(number or None, problem or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _("应为数字")
    try:
        return float(value), None
    except (TypeError, ValueError):
        return None, _("应为数字，实际为“%(v)s”") % {"v": value}


def excel_cell(worksheet, value):
    """A value for a write-only row that Excel shows as the plain value: control characters (which
    make a file unreadable) are dropped and text starting with "=" stays text, never a formula.
    Other values go in as they are, which keeps a large export fast."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    return cell


# ---------------------------------------------------------------------------------------------
# What a user may write in each column


def _labels(choices):
    """Map label (in Chinese and in the active language) and stored value to the value."""
    mapping = {}
    for value, label in choices:
        mapping[value] = value
        mapping[str(label)] = value
        with translation.override("zh-hans"):
            mapping[str(label)] = value
    return mapping


class Vocabulary:
    """Everything a user's rows are resolved against, loaded once per import."""

    def __init__(self, user):
        self.scope = scope_for(user)
        self.kinds = _labels(Subject.Kind.choices)
        self.grades = _labels(RiskGrade.choices) | RISK_SHORT
        self.sectors = {}
        for sector in Sector.objects.all():
            self.sectors[sector.code] = sector
            self.sectors[sector.name] = sector
        self.units = {}
        units = list(Unit.objects.all())
        for unit in units:
            for alias in unit.aliases or ():
                self.units.setdefault(alias, unit)
        for unit in units:  # a full name wins over another unit's alias
            self.units[unit.name] = unit
        self.territories = list(Territory.objects.visible_to(user))
        self.by_name = {}
        for node in self.territories:
            self.by_name.setdefault((node.level, node.name), []).append(node)
        self.root = next((t for t in self.territories if t.level == Territory.Level.CITY), None)
        self.town_names = set(
            Territory.objects.filter(level=Territory.Level.TOWN).values_list("name", flat=True)
        )

    def nodes(self, level, name, under):
        return [n for n in self.by_name.get((level, name), ()) if n.path.startswith(under.path)]

    def within_scope(self, path, sector_code):
        """Whether a new subject at `path` in `sector_code` would be visible to the user: the
        same grants as the scope filter, read for one row before it exists."""
        return self.scope.covers(path, sector_code)
