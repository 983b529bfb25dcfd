"""Excel template, import and export of supervised subjects.

The subject columns are a file format shared by the template, the import and the export, so that an
exported list re-imports unchanged. That is why their headers stay Chinese whatever the UI language;
every message about them is translated as usual.

`import_subjects(user, file)` is the one entry point for the page, the API and the command line: it
reads the whole file, collects every problem with its row and column, and writes nothing unless the
whole file is clean.
"""

import datetime
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anjian.core.context import acting_as
from anjian.core.scope import scope_for
from anjian.org.models import Role, Sector, Territory, Unit

from .models import RiskGrade, Subject
from .validators import uscc_check_char, uscc_problem

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
        self.territories = list(Territory.objects.filter(Territory.visible_q(user)))
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
        if self.scope.unrestricted:
            return True
        for grant in self.scope.grants:
            if grant.subjects is not None:
                continue  # grants to particular subjects never cover a new one
            if grant.paths is not None and not any(path.startswith(p) for p in grant.paths):
                continue
            if grant.sectors is not None and sector_code not in grant.sectors:
                continue
            return True
        return False


# ---------------------------------------------------------------------------------------------
# Reading the file


def read_rows(file_obj):
    """[(row number, {header: value})] of the data sheet. Raises ImportFileError."""
    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise ImportFileError(_("无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。")) from exc
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        # A damaged file can also fail half-way through its rows, so read them all here.
        return _rows_with_headers(sheet.iter_rows(values_only=True))
    except ImportFileError:
        raise
    except Exception as exc:  # any parse failure of an uploaded file means it is not a usable xlsx
        raise ImportFileError(_("文件已损坏，无法读取其中的数据：请重新保存为 .xlsx 后再上传。")) from exc
    finally:
        workbook.close()


def _rows_with_headers(rows):
    header_row = next(rows, None)
    if header_row is None or not any(cell_text(v) for v in header_row):
        raise ImportFileError(_("文件是空的：第1行应为表头（可下载导入模板填写）。"))
    headers = [cell_text(v) for v in header_row]
    _check_headers(headers)
    data = []
    for number, values in enumerate(rows, start=2):
        record = {h: v for h, v in zip(headers, values, strict=False) if h}
        if not any(cell_text(v) for v in record.values()):
            continue
        if len(data) >= MAX_IMPORT_ROWS:
            raise ImportFileError(_("数据超过 %(max)d 行，请分成多个文件导入。") % {"max": MAX_IMPORT_ROWS})
        data.append((number, record))
    return data


def _check_headers(headers):
    present = [h for h in headers if h]
    missing = [h for h in REQUIRED if h not in present]
    if missing:
        raise ImportFileError(
            _("缺少必填列：%(cols)s。请使用导入模板，表头在第1行。")
            % {"cols": "、".join(f"「{h}」" for h in missing)}
        )
    unknown = [h for h in present if h not in HEADERS]
    if unknown:
        raise ImportFileError(
            _("第1行有无法识别的列：%(cols)s。可用的列：%(all)s。")
            % {"cols": "、".join(f"「{h}」" for h in unknown), "all": "、".join(HEADERS)}
        )
    repeated = sorted({h for h in present if present.count(h) > 1})
    if repeated:
        raise ImportFileError(
            _("第1行的列重复：%(cols)s。") % {"cols": "、".join(f"「{h}」" for h in repeated)}
        )


# ---------------------------------------------------------------------------------------------
# One row → one unsaved Subject


class RowParser:
    def __init__(self, vocabulary):
        self.vocab = vocabulary

    def parse(self, record):
        """(unsaved Subject or None, [(column, message)])."""
        self.errors = []
        text = {h: cell_text(record.get(h)) for h in HEADERS}
        kind = self._choice(text, KIND, self.vocab.kinds, Subject.Kind.choices, required=True)
        name = text[NAME] or self._missing(NAME)
        code = self._code(text[CODE], kind, record.get(CODE))
        sector = self._sector(text[SECTOR])
        territory, grid = self._place(text)
        grade = self._choice(text, RISK, self.vocab.grades, RiskGrade.choices) or ""
        unit = self._unit(text[UNIT])
        lat = self._coordinate(record.get(LAT), LAT, 90)
        lon = self._coordinate(record.get(LON), LON, 180)
        if territory and sector:
            self._check_scope(grid or territory, sector)
        if self.errors:
            return None, self.errors
        subject = Subject(
            kind=kind,
            name=name,
            code=code,
            territory=territory,
            grid=grid,
            sector=sector,
            address=text[ADDRESS],
            lat=lat,
            lon=lon,
            risk_grade=grade,
            contact_name=text[CONTACT],
            contact_phone=text[PHONE],
            supervising_unit=unit,
        )
        self._full_clean(subject)
        return (None if self.errors else subject), self.errors

    def _error(self, column, message):
        self.errors.append((column, message))

    def _missing(self, column):
        self._error(column, _("必填，不能为空"))
        return None

    def _choice(self, text, column, mapping, choices, required=False):
        value = text[column]
        if not value:
            return self._missing(column) if required else None
        if value in mapping:
            return mapping[value]
        allowed = "、".join(str(label) for _value, label in choices)
        self._error(column, _("“%(v)s”不是可选值，可选：%(a)s") % {"v": value, "a": allowed})
        return None

    def _code(self, code, kind, raw):
        if isinstance(raw, float) and abs(raw) >= 1e15:
            # Excel keeps 15 significant digits: a long number typed into a cell is already lost.
            self._error(
                CODE,
                _("“%(v)s”是被 Excel 改写过的长数字，请把该列设为文本格式后重新填写") % {"v": raw},
            )
            return None
        if kind == Subject.Kind.ENTERPRISE:
            code = code.upper()
            if not code:
                self._error(CODE, _("企业必须填写统一社会信用代码"))
                return None
            problem = uscc_problem(code)
            if problem:
                self._error(CODE, problem)
                return None
        return code

    def _sector(self, value):
        if not value:
            return self._missing(SECTOR)
        sector = self.vocab.sectors.get(value)
        if sector is None:
            self._error(SECTOR, _("“%(v)s”不是已登记的行业领域（见「说明」表）") % {"v": value})
        return sector

    def _unit(self, value):
        if not value:
            return None
        unit = self.vocab.units.get(value)
        if unit is None:
            self._error(UNIT, _("“%(v)s”不是已登记的单位（见「说明」表）") % {"v": value})
        return unit

    def _coordinate(self, value, column, bound):
        number, problem = cell_number(value)
        if problem:
            self._error(column, problem)
        elif number is not None and not -bound <= number <= bound:
            self._error(column, _("应在 -%(b)d 到 %(b)d 之间，实际为 %(v)s") % {"b": bound, "v": value})
            return None
        return number

    def _place(self, text):
        """(territory, grid): the village if given, else the town (or the city when no town is
        named and the user may use the whole city); the grid inside it."""
        base = self._town(text[TOWN])
        if base is None:
            return None, None
        territory = base
        if text[VILLAGE]:
            territory = self._node(Territory.Level.VILLAGE, text[VILLAGE], base, VILLAGE, TOWN)
        grid = None
        if text[GRID] and territory is not None:
            grid = self._node(Territory.Level.GRID, text[GRID], territory, GRID, VILLAGE)
            if grid is None:
                return None, None
        return territory, grid

    def _town(self, name):
        if not name:
            if self.vocab.root is not None:
                return self.vocab.root
            return self._missing(TOWN)
        found = self.vocab.by_name.get((Territory.Level.TOWN, name))
        if found:
            return found[0]
        if name in self.vocab.town_names:
            self._error(TOWN, _("“%(v)s”不在您的管辖范围内") % {"v": name})
        else:
            self._error(TOWN, _("没有名为“%(v)s”的镇（街道）（见「说明」表）") % {"v": name})
        return None

    def _node(self, level, name, under, column, parent_column):
        found = self.vocab.nodes(level, name, under)
        if len(found) == 1:
            return found[0]
        if found:
            message = _("“%(v)s”在“%(p)s”下有多个同名%(l)s，请同时填写「%(c)s」") % {
                "v": name,
                "p": under.name,
                "l": Territory.Level(level).label,
                "c": parent_column,
            }
        else:
            message = _("“%(p)s”下没有名为“%(v)s”的%(l)s，或不在您的管辖范围内") % {
                "v": name,
                "p": under.name,
                "l": Territory.Level(level).label,
            }
        self._error(column, message)
        return None

    def _check_scope(self, node, sector):
        if not self.vocab.within_scope(node.path, sector.code):
            self._error(
                SECTOR,
                _("“%(s)s”领域在“%(t)s”的对象不在您的管辖范围内") % {"s": sector.name, "t": node.name},
            )

    def _full_clean(self, subject):
        # Lengths and choices as the model declares them; relations were resolved above.
        try:
            subject.full_clean(
                exclude=["territory", "grid", "sector", "supervising_unit", "supervisor", "parent"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self._error(FIELD_COLUMNS.get(name, NAME), message)


# ---------------------------------------------------------------------------------------------
# Import


def import_subjects(user, file_obj):
    """Import the subjects of an .xlsx file for `user`: all of them, or none and every reason."""
    if not can_import(user):
        return ImportResult(0, [_("您的角色不能导入监管对象。")])
    try:
        records = read_rows(file_obj)
    except ImportFileError as exc:
        return ImportResult(0, [str(exc)])
    if not records:
        return ImportResult(0, [_("文件中没有数据行：请从第2行起填写（模板「说明」表中的示例不会被导入）。")])
    subjects, errors = _parse_all(user, records)
    if errors:
        return ImportResult(0, errors)
    return _save_all(user, subjects)


def _parse_all(user, records):
    parser = RowParser(Vocabulary(user))
    subjects, errors, first_row = [], [], {}
    for number, record in records:
        subject, problems = parser.parse(record)
        errors.extend(row_error(number, column, message) for column, message in problems)
        if subject is None:
            continue
        key = (subject.kind, subject.code)
        if subject.code and key in first_row:
            errors.append(
                row_error(
                    number, CODE, _("“%(c)s”与第%(r)d行重复") % {"c": subject.code, "r": first_row[key]}
                )
            )
            continue
        first_row.setdefault(key, number)
        subjects.append((number, subject))
    errors.extend(_existing_codes(subjects))
    return subjects, errors


def _existing_codes(subjects_with_codes):
    """Errors for codes already registered for a subject of the same kind (in any scope: the
    codes are unique city-wide, so a clash outside the user's reach still blocks the row)."""
    by_kind = {}
    for number, subject in subjects_with_codes:
        if not subject.code:
            continue
        by_kind.setdefault(subject.kind, {})[subject.code] = number
    errors = []
    for kind, rows in by_kind.items():
        codes = list(rows)
        for start in range(0, len(codes), 500):
            taken = Subject.objects.filter(kind=kind, code__in=codes[start : start + 500])
            for code in taken.values_list("code", flat=True):
                errors.append(
                    (rows[code], row_error(rows[code], CODE, _("“%(c)s”已登记，不能重复导入") % {"c": code}))
                )
    return [message for _row, message in sorted(errors)]


class _Rollback(Exception):
    def __init__(self, errors):
        self.errors = errors


def _save_all(user, rows):
    number = None
    try:
        with acting_as(user), transaction.atomic():
            created = []
            for number, subject in rows:
                # create() (not bulk_create) so the change log records every subject.
                created.append((number, Subject.objects.create(**_field_values(subject))))
            _recheck_visible(user, created)
    except _Rollback as exc:
        return ImportResult(0, exc.errors)
    except IntegrityError:
        return ImportResult(
            0, [row_error(number, CODE, _("保存时编码与已有记录冲突（可能有他人同时导入），未导入任何记录"))]
        )
    return ImportResult(len(created), [])


def _field_values(subject):
    names = ("kind", "name", "code", "territory", "grid", "sector", "address", "lat", "lon")
    names += ("risk_grade", "contact_name", "contact_phone", "supervising_unit")
    return {name: getattr(subject, name) for name in names}


def _recheck_visible(user, created):
    """Nobody imports a subject out of their own reach: the saved rows must pass the scope filter."""
    ids = [subject.pk for _number, subject in created]
    visible = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        visible.update(Subject.objects.visible_to(user).filter(pk__in=chunk).values_list("pk", flat=True))
    errors = [
        row_error(number, SECTOR, _("保存后该对象不在您的管辖范围内"))
        for number, subject in created
        if subject.pk not in visible
    ]
    if errors:
        raise _Rollback(errors)


# ---------------------------------------------------------------------------------------------
# Export


def check_export_size(queryset, limit=None):
    limit = MAX_EXPORT_ROWS if limit is None else limit
    count = queryset.count()
    if count > limit:
        raise ExportTooLarge(count, limit)
    return count


def write_workbook(title, headers, rows):
    """Stream `rows` into a write-only workbook on disk and return the open file, at its start.
    Write-only mode keeps one row in memory at a time, so a list of 100,000 rows stays light."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([excel_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output


class TerritoryNames:
    """Town, village and grid names of any territory id, from one query of the (small) tree."""

    def __init__(self):
        self.nodes = {
            row["id"]: row for row in Territory.objects.values("id", "name", "level", "parent_id").iterator()
        }
        self.cache = {}

    def name(self, pk):
        return self.nodes[pk]["name"] if pk in self.nodes else ""

    def parts(self, pk):
        """(town, village, grid) names of the node and its ancestors."""
        if pk not in self.cache:
            found = {}
            node = self.nodes.get(pk)
            while node is not None:
                found.setdefault(node["level"], node["name"])
                node = self.nodes.get(node["parent_id"])
            levels = Territory.Level
            self.cache[pk] = (
                found.get(levels.TOWN, ""),
                found.get(levels.VILLAGE, ""),
                found.get(levels.GRID, ""),
            )
        return self.cache[pk]


SUBJECT_FIELDS = (
    "kind",
    "name",
    "code",
    "territory_id",
    "grid_id",
    "sector_id",
    "address",
    "lat",
    "lon",
    "risk_grade",
    "contact_name",
    "contact_phone",
    "supervising_unit_id",
)


def subject_rows(queryset):
    """The rows of the export, in the template's columns, with readable values."""
    kinds = {value: str(label) for value, label in Subject.Kind.choices}
    grades = {value: str(label) for value, label in RiskGrade.choices}
    sectors = dict(Sector.objects.values_list("code", "name"))
    units = dict(Unit.objects.values_list("id", "name"))
    places = TerritoryNames()
    for row in queryset.values_list(*SUBJECT_FIELDS).iterator(chunk_size=2000):
        kind, name, code, territory_id, grid_id, sector_id, address, lat, lon = row[:9]
        grade, contact, phone, unit_id = row[9:]
        town, village, grid = places.parts(grid_id or territory_id)
        yield (
            kinds.get(kind, kind),
            name,
            code,
            town,
            village,
            grid,
            sectors.get(sector_id, sector_id),
            address,
            lat,
            lon,
            grades.get(grade, grade),
            contact,
            phone,
            units.get(unit_id, ""),
        )


def export_subjects(queryset):
    """An open .xlsx file of the (already scoped and filtered) subjects. Raises ExportTooLarge."""
    check_export_size(queryset)
    return write_workbook(DATA_SHEET, HEADERS, subject_rows(queryset.order_by("id")))


# ---------------------------------------------------------------------------------------------
# Template


def build_template(user):
    """The import template for `user`: an empty data sheet with dropdowns, the 说明 sheet (what each
    column means, an example, the values the user may use) and a hidden sheet the dropdowns read."""
    vocab = Vocabulary(user)
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    _header_row(data, HEADERS, widths={NAME: 30, CODE: 24, ADDRESS: 30, UNIT: 24})
    for header in (CODE, PHONE):
        # Text, so Excel does not turn long codes and phone numbers into rounded numbers.
        data.column_dimensions[get_column_letter(HEADERS.index(header) + 1)].number_format = "@"
    lists = _choice_lists(vocab)
    choices = workbook.create_sheet(CHOICES_SHEET)
    _fill_choices(choices, data, lists)
    choices.sheet_state = "hidden"
    _fill_help(workbook.create_sheet(HELP_SHEET), vocab, lists)
    workbook.move_sheet(HELP_SHEET, offset=-1)
    workbook.active = 0
    return workbook


def _header_row(sheet, headers, widths=None):
    sheet.append(list(headers))
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(header, 14)
    sheet.freeze_panes = "A2"


def _choice_lists(vocab):
    towns = [t.name for t in vocab.territories if t.level == Territory.Level.TOWN]
    return {
        KIND: [str(label) for _v, label in Subject.Kind.choices],
        TOWN: towns,
        SECTOR: list(Sector.objects.values_list("name", flat=True)),
        RISK: [str(label) for _v, label in RiskGrade.choices],
        UNIT: list(Unit.objects.values_list("name", flat=True)),
    }


def _fill_choices(choices, data, lists):
    """One column per list on the hidden sheet; each data column's dropdown points at its list."""
    for column, (header, values) in enumerate(lists.items(), start=1):
        if not values:
            continue
        choices.cell(row=1, column=column, value=header)
        for row, value in enumerate(values, start=2):
            choices.cell(row=row, column=column, value=value)
        letter = get_column_letter(column)
        target = get_column_letter(HEADERS.index(header) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("不是可选值"),
            error=_("请从下拉列表中选择，可选值见「说明」表。"),
        )
        validation.add(f"{target}2:{target}{MAX_IMPORT_ROWS + 1}")
        data.add_data_validation(validation)


def _column_notes(lists):
    return {
        KIND: (True, _("对象类型"), "、".join(lists[KIND])),
        NAME: (True, _("企业、场所、设备等的名称"), ""),
        CODE: (
            True,
            _(
                "企业必填18位统一社会信用代码（校验位会被检查）；设备填设备代码，船舶填船名号，其他可留空。同类型编码不能重复"
            ),
            "",
        ),
        TOWN: (True, _("所在镇（街道）的全称；只能填写您管辖范围内的辖区"), _("见下方辖区表")),
        VILLAGE: (False, _("所在村（社区）的全称，须属于所填的镇（街道）"), _("见下方辖区表")),
        GRID: (False, _("所在网格的全称，须属于所填的村（社区）"), _("见下方辖区表")),
        SECTOR: (True, _("行业领域名称"), "、".join(lists[SECTOR])),
        ADDRESS: (False, _("详细地址"), ""),
        LAT: (False, _("纬度（小数，如 28.37）"), "-90 ~ 90"),
        LON: (False, _("经度（小数，如 121.37）"), "-180 ~ 180"),
        RISK: (False, _("风险分级"), "、".join(lists[RISK])),
        CONTACT: (False, _("企业或场所的安全联系人"), ""),
        PHONE: (False, _("联系人电话"), ""),
        UNIT: (False, _("负责监管的单位全称或简称"), _("见下方单位表")),
    }


EXAMPLE_FIRST17 = "91331081MA2H0000E"


def _example_row(vocab, lists):
    town = lists[TOWN][0] if lists[TOWN] else ""
    return (
        str(Subject.Kind.ENTERPRISE.label),
        _("示例：温岭市某某机械有限公司"),
        EXAMPLE_FIRST17 + uscc_check_char(EXAMPLE_FIRST17),
        town,
        "",
        "",
        lists[SECTOR][0] if lists[SECTOR] else "",
        _("示例路 1 号"),
        28.37,
        121.37,
        str(RiskGrade.YELLOW.label),
        _("张三"),
        "13800000000",
        "",
    )


def _fill_help(sheet, vocab, lists):
    bold = Font(bold=True)
    sheet.append([_("填写说明")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _(
                "在「%(s)s」表第2行起每行填写一个对象，第1行表头不要改动。导入时整份文件逐行检查，有任何错误则全部不导入，并列出每个错误的行号和列名。"
            )
            % {"s": DATA_SHEET}
        ]
    )
    sheet.append([])
    sheet.append([_("列名"), _("是否必填"), _("说明"), _("可选值")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for header, (required, meaning, allowed) in _column_notes(lists).items():
        sheet.append([header, _("必填") if required else _("选填"), meaning, allowed])
    sheet.append([])
    sheet.append([_("示例（仅供参考，本表内容不会被导入）")])
    sheet[f"A{sheet.max_row}"].font = bold
    sheet.append(list(HEADERS))
    sheet.append(list(_example_row(vocab, lists)))
    _territory_table(sheet, vocab)
    _unit_table(sheet)
    for letter, width in zip("ABCD", (22, 24, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def _territory_table(sheet, vocab):
    sheet.append([])
    sheet.append([_("您可使用的辖区")])
    sheet[f"A{sheet.max_row}"].font = Font(bold=True)
    sheet.append([TOWN, VILLAGE, GRID])
    names = {t.pk: t for t in vocab.territories}
    for node in vocab.territories:
        if node.level == Territory.Level.TOWN:
            sheet.append([node.name])
        elif node.level == Territory.Level.VILLAGE:
            town = names.get(node.parent_id)
            sheet.append([town.name if town else "", node.name])
        elif node.level == Territory.Level.GRID:
            village = names.get(node.parent_id)
            town = names.get(village.parent_id) if village else None
            sheet.append([town.name if town else "", village.name if village else "", node.name])


def _unit_table(sheet):
    sheet.append([])
    sheet.append([_("单位（「监管单位」列）")])
    sheet[f"A{sheet.max_row}"].font = Font(bold=True)
    sheet.append([_("单位名称"), _("类型"), _("简称")])
    for unit in Unit.objects.all():
        sheet.append([unit.name, unit.get_kind_display(), "、".join(unit.aliases or ())])
