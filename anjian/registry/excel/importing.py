"""Reading a subject file, checking every row, and saving it all or nothing."""

import zipfile

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from anjian.core.context import acting_as
from anjian.org.models import Territory

from ..models import RiskGrade, Subject
from ..validators import uscc_problem
from .columns import (
    ADDRESS,
    CODE,
    CONTACT,
    DATA_SHEET,
    FIELD_COLUMNS,
    GRID,
    HEADERS,
    KIND,
    LAT,
    LON,
    MAX_IMPORT_ROWS,
    NAME,
    PHONE,
    REQUIRED,
    RISK,
    SECTOR,
    TOWN,
    UNIT,
    VILLAGE,
    ImportFileError,
    ImportResult,
    Vocabulary,
    can_import,
    cell_number,
    cell_text,
    row_error,
)

# ---------------------------------------------------------------------------------------------
# Reading the file


def read_rows(file_obj):
    """[(row number, {header: value})] of the data sheet. Raises ImportFileError."""
    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    # SyntaxError: malformed XML inside the archive (lxml's XMLSyntaxError and ElementTree's
    # ParseError both derive from it).
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, SyntaxError) as exc:
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
