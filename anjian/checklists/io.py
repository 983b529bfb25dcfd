"""Checklists in and out: Excel (.xlsx) and YAML (the structure of the shipped data/ files).

Import is all or nothing: every row is checked first, every problem is reported with its row and
column, and only a clean file reaches the services (which save in one transaction).
"""

import io
import re
import zipfile

import yaml
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from . import services
from .library import criteria_index, resolve_reference
from .models import Checklist

KEY, SECTION, TEXT, METHOD, BASIS, MAJOR, CRITERION = (
    "条目编号",
    "分类",
    "检查内容",
    "检查方法",
    "依据",
    "重大隐患",
    "判定标准条款",
)
COLUMNS = (KEY, SECTION, TEXT, METHOD, BASIS, MAJOR, CRITERION)
FIELD_OF = {KEY: "key", SECTION: "section", TEXT: "text", METHOD: "method", BASIS: "legal_basis"}
WIDTHS = (10, 14, 60, 16, 40, 10, 44)
ITEMS_SHEET = "检查条目"
INFO_SHEET = "检查表信息"
INFO_LABELS = {
    "code": "代码",
    "name": "名称",
    "category": "类别",
    "sector": "行业领域",
    "description": "说明",
}
MAX_ITEMS = 2000
MAX_ERRORS = 30
CHINESE_DIGITS = "零一二三四五六七八九"
YES = {"是", "yes", "y", "true", "1", "√", "✓", "重大"}
NO = {"", "否", "no", "n", "false", "0", "一般"}
# 《工贸企业重大事故隐患判定标准》第三条第（二）项 (as Criterion.citation writes it; Arabic numerals
# accepted too), or code:3:2.
NUMBER = r"\d+|[一二三四五六七八九十]+"
CITATION = re.compile(
    rf"^《(?P<standard>[^》]+)》\s*第\s*(?P<article>{NUMBER})\s*条\s*第?\s*[（(]?\s*(?P<number>{NUMBER})\s*[）)]?\s*项$"
)
SHORT = re.compile(r"^(?P<standard>[\w-]+)\s*[:：/]\s*(?P<article>\d+)\s*[:：/]\s*(?P<number>\d+)$")


class ChecklistIOError(services.ChecklistError):
    """A file that cannot be imported; `messages` lists every problem found (row and column)."""

    def __init__(self, messages):
        self.messages = [str(m) for m in messages]
        super().__init__("\n".join(self.messages), 422)


# ---------------------------------------------------------------------------------------------
# Export


def parse_number(text):
    """An article or item number written in Arabic or Chinese numerals (三, 十三, 二十一)."""
    if text.isdigit():
        return int(text)
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return CHINESE_DIGITS.index(text)
    return (CHINESE_DIGITS.index(tens) if tens else 1) * 10 + (CHINESE_DIGITS.index(ones) if ones else 0)


def _criterion_cell(item):
    return item.criterion.citation if item.criterion_id else ""


def _item_rows(version):
    items = version.items.select_related("criterion__standard").order_by("order", "id")
    for item in items:
        yield (
            item.key,
            item.section,
            item.text,
            item.method,
            item.legal_basis,
            _("是") if item.major_by_rule else _("否"),
            _criterion_cell(item),
        )


def _styled_sheet(sheet, rows):
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    yes_no.add("F2:F2000")


def _info_sheet(workbook, checklist, version=None):
    sheet = workbook.create_sheet(INFO_SHEET)
    values = {
        "code": checklist.code,
        "name": checklist.name,
        "category": checklist.category,
        "sector": checklist.sector_id or "",
        "description": checklist.description,
    }
    for field, label in INFO_LABELS.items():
        sheet.append((label, values[field]))
    if version is not None:
        sheet.append((_("版本"), version.number))
        sheet.append((_("状态"), version.get_status_display()))
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 60


def export_xlsx(version):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ITEMS_SHEET
    _styled_sheet(sheet, _item_rows(version))
    _info_sheet(workbook, version.checklist, version)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ITEMS_SHEET
    example = (
        "A-01",
        _("安全管理"),
        _("是否建立健全全员安全生产责任制并落实考核。"),
        _("查资料"),
        _("《中华人民共和国安全生产法》第二十二条"),
        _("否"),
        "",
    )
    _styled_sheet(sheet, [example])
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        _("每行一个检查条目，第1行表头不要修改，七列都须保留。"),
        _("条目编号和检查内容必填；条目编号在同一检查表内不能重复。"),
        _("重大隐患填“是”或“否”；填“是”的须在“判定标准条款”列注明条款，"),
        _("格式如：《工贸企业重大事故隐患判定标准》第3条第（2）项，或 gongmao-2023:3:2。"),
    ):
        notes.append((line,))
    notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def version_data(version):
    """The checklist version as the shipped YAML structure (plain dicts)."""
    checklist = version.checklist
    items = []
    for item in version.items.select_related("criterion__standard").order_by("order", "id"):
        entry = {"key": item.key, "section": item.section, "text": item.text, "method": item.method}
        entry["legal_basis"] = item.legal_basis
        if item.criterion_id:
            entry["major_by_rule"] = True
            c = item.criterion
            entry["criterion"] = {"standard": c.standard.code, "article": c.article, "number": c.number}
        items.append(entry)
    return {
        "code": checklist.code,
        "name": checklist.name,
        "category": checklist.category,
        "sector": checklist.sector_id,
        "description": checklist.description,
        "version": version.number,
        "items": items,
    }


def export_yaml(version):
    return yaml.safe_dump(version_data(version), allow_unicode=True, sort_keys=False, width=1000)


# ---------------------------------------------------------------------------------------------
# Reading files into (where, {column: value}) records


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_xlsx(file_obj):
    """(meta, records) of an Excel file; raises ChecklistIOError for an unreadable file or header."""
    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    # SyntaxError: malformed XML inside the archive (lxml's XMLSyntaxError and ElementTree's
    # ParseError both derive from it).
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, SyntaxError):
        raise ChecklistIOError([_("无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。")]) from None
    try:
        sheets = workbook.sheetnames
        sheet = workbook[ITEMS_SHEET] if ITEMS_SHEET in sheets else workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        meta = _xlsx_meta(workbook[INFO_SHEET]) if INFO_SHEET in sheets else {}
    except Exception:  # any parse failure of an uploaded file means it is not a usable xlsx
        raise ChecklistIOError([_("文件已损坏，无法读取其中的数据：请重新保存为 .xlsx 后再上传。")]) from None
    finally:
        workbook.close()
    return meta, _xlsx_records(rows)


def _xlsx_meta(sheet):
    labels = {label: field for field, label in INFO_LABELS.items()}
    meta = {}
    for row in sheet.iter_rows(values_only=True):
        if row and _text(row[0]) in labels:
            meta[labels[_text(row[0])]] = _text(row[1]) if len(row) > 1 else ""
    return meta


def _xlsx_records(rows):
    if not rows or not any(_text(v) for v in rows[0]):
        raise ChecklistIOError([_("文件是空的：第1行应为表头（可下载导入模板填写）。")])
    headers = [_text(v) for v in rows[0]]
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        names = "、".join(f"“{c}”" for c in missing)
        raise ChecklistIOError(
            [_("第1行表头缺少%(cols)s列（表头应为：%(all)s）") % {"cols": names, "all": "、".join(COLUMNS)}]
        )
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {h: v for h, v in zip(headers, values, strict=False) if h in COLUMNS}
        if not any(_text(v) for v in record.values()):
            continue
        records.append((_("第%(n)d行") % {"n": number}, record))
    return records


def read_yaml(file_obj):
    """(meta, records) of a YAML file in the shipped structure."""
    try:
        data = yaml.safe_load(file_obj.read())
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = _("（第%(n)d行附近）") % {"n": mark.line + 1} if mark else ""
        raise ChecklistIOError([_("YAML 文件格式错误%(w)s，无法读取。") % {"w": where}]) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ChecklistIOError([_("YAML 文件须包含 items 列表（结构同导出的 YAML 文件）。")])
    meta = {field: _text(data.get(field)) for field in INFO_LABELS}
    records = []
    for number, raw in enumerate(data["items"], start=1):
        where = _("第%(n)d个条目") % {"n": number}
        if not isinstance(raw, dict):
            records.append((where, None))
            continue
        record = {column: raw.get(field) for column, field in FIELD_OF.items()}
        record[MAJOR] = raw.get("major_by_rule", False)
        record[CRITERION] = raw.get("criterion")
        records.append((where, record))
    return meta, records


# ---------------------------------------------------------------------------------------------
# Checking records


def _yes_no(value):
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _criterion(value, index, by_title):
    if value is None or value == "":
        return None, True
    if isinstance(value, dict):
        found = resolve_reference(value, index)
        return found, found is not None
    text = _text(value)
    match = CITATION.match(text) or SHORT.match(text)
    if not match:
        return None, False
    standard = by_title.get(match["standard"], match["standard"])
    found = index.get((standard, parse_number(match["article"]), parse_number(match["number"])))
    return found, found is not None


def _record_item(where, record, index, by_title):
    """(item fields, [problems]) of one record."""
    problems = []
    fields = {field: _text(record.get(column)) for column, field in FIELD_OF.items()}
    major = _yes_no(record.get(MAJOR))
    if major is None:
        problems.append(
            _("%(w)s“%(c)s”列：“%(v)s”不是有效值，请填“是”或“否”")
            % {"w": where, "c": MAJOR, "v": _text(record.get(MAJOR))}
        )
    criterion, known = _criterion(record.get(CRITERION), index, by_title)
    if not known:
        problems.append(
            _("%(w)s“%(c)s”列：找不到判定标准条款“%(v)s”")
            % {"w": where, "c": CRITERION, "v": _text(record.get(CRITERION))}
        )
    fields.update(major_by_rule=bool(major), criterion=criterion)
    if not problems:
        problems += [f"{where}：{p}" for p in services.item_problems(fields)]
    return fields, problems


def parse_items(records):
    """Clean item dicts of the records, or ChecklistIOError listing every problem found."""
    if not records:
        raise ChecklistIOError([_("文件中没有任何检查条目。")])
    if len(records) > MAX_ITEMS:
        raise ChecklistIOError([_("条目超过 %(n)d 个，请拆分后导入。") % {"n": MAX_ITEMS}])
    index = criteria_index()
    by_title = {c.standard.title: c.standard.code for c in index.values()}
    items, problems, seen = [], [], {}
    for where, record in records:
        if record is None:
            problems.append(_("%(w)s：格式错误，应为包含 key、text 等字段的条目") % {"w": where})
            continue
        fields, found = _record_item(where, record, index, by_title)
        key = fields["key"]
        if key and key in seen:
            found.append(
                _("%(w)s“%(c)s”列：编号“%(k)s”与%(o)s重复") % {"w": where, "c": KEY, "k": key, "o": seen[key]}
            )
        seen.setdefault(key, where)
        problems += found
        items.append(fields)
    if problems:
        extra = len(problems) - MAX_ERRORS
        shown = problems[:MAX_ERRORS] + ([_("……另有 %(n)d 处问题") % {"n": extra}] if extra > 0 else [])
        raise ChecklistIOError(shown)
    return items


# ---------------------------------------------------------------------------------------------
# Import


def file_format(name):
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    raise ChecklistIOError([_("只支持 .xlsx 或 .yaml 文件")])


def read_file(upload):
    reader = read_xlsx if file_format(upload.name) == "xlsx" else read_yaml
    meta, records = reader(upload)
    return meta, parse_items(records)


def import_checklist(actor, upload, *, checklist=None, note="", **new):
    """Import `upload` as a new draft of `checklist`, or (checklist None) as a new checklist whose
    code, name, category, sector and description come from `new`, else from the file."""
    services.require_editor(actor)
    meta, items = read_file(upload)
    note = note or _("导入自 %(f)s") % {"f": upload.name}
    if checklist is not None:
        return services.create_draft(actor, checklist, items, note=note[:200])
    fields = {name: (new.get(name) or meta.get(name) or "") for name in INFO_LABELS}
    fields["category"] = fields["category"] or Checklist.Category.CUSTOM
    return services.create_checklist(actor, items=items, note=note[:200], **fields)
