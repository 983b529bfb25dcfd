"""The import template: the data sheet, its dropdowns and the help sheet."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anjian.org.models import Sector, Territory, Unit

from ..models import RiskGrade, Subject
from ..validators import uscc_check_char
from .columns import (
    ADDRESS,
    CHOICES_SHEET,
    CODE,
    CONTACT,
    DATA_SHEET,
    GRID,
    HEADERS,
    HELP_SHEET,
    KIND,
    LAT,
    LON,
    MAX_IMPORT_ROWS,
    NAME,
    PHONE,
    RISK,
    SECTOR,
    TOWN,
    UNIT,
    VILLAGE,
    Vocabulary,
)

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
