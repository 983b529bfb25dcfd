"""The 一级一册 manual as a Word document in the usual official layout: title centred (小标宋 二号),
issuing unit and date, a summary paragraph, then for each subject a heading (黑体) with its particulars
and a table of its events (风险事件 / 等级 / 管控措施 / 责任人 / 闭环状态). East Asian fonts are set on
every run (Word takes Chinese glyphs from that slot, not from font.name)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from anjian.org.models import Territory, Unit

from .manual import TOWN, hazard_note

TITLE_FONT, HEADING_FONT, ITEM_FONT, BODY_FONT = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
SIZE_TITLE, SIZE_BODY, SIZE_TABLE = Pt(22), Pt(16), Pt(10.5)  # 二号, 三号, 五号
CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n):
    """1 → 一, 12 → 十二, 23 → 二十三 (headings of up to 99 subjects; beyond that, digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("" if tens == 1 else CHINESE_NUMBERS[tens - 1]) + "十"
    return head + (CHINESE_NUMBERS[ones - 1] if ones else "")


def issuer(owner):
    """Who issues the manual: 泽国镇人民政府, 温岭经济开发区管委会, 温岭市应急管理局."""
    city = Territory.objects.filter(level=Territory.Level.CITY).values_list("name", flat=True).first() or ""
    if owner.kind == TOWN:
        town = owner.obj
        if town.kind == "subdistrict":
            return _("%(name)s办事处") % {"name": town.name}
        if town.kind == "development_zone":
            return _("%(name)s管委会") % {"name": town.name}
        return _("%(name)s人民政府") % {"name": town.name}
    unit = owner.obj
    if city and unit.kind == Unit.Kind.DEPARTMENT and unit.name.startswith("市"):
        return city + unit.name[1:]
    return unit.name


def summary_text(manual, today):
    owner = manual.owner
    where = _("本辖区") if owner.kind == TOWN else _("本部门监管行业领域")
    text = _(
        "截至%(date)s，%(where)s共辨识重大风险（红色）%(red)d个、较大风险（橙色）%(orange)d个，涉及监管对象"
        "%(subjects)d家。"
    ) % {
        "date": chinese_date(today),
        "where": where,
        "red": manual.red,
        "orange": manual.orange,
        "subjects": len(manual.subjects),
    }
    if manual.unclosed:
        text += _(
            "其中%(events)d个风险存在失效的管控措施（共%(measures)d项，关联隐患尚未销号），未形成闭环，须督促落实整改。"
        ) % {
            "events": manual.unclosed,
            "measures": manual.failed_measures,
        }
    else:
        text += _("各风险管控措施均有效，已形成闭环。")
    return text


def manual_docx(manual, today=None):
    """The manual as .docx bytes."""
    today = today or timezone.localdate()
    doc = Document()
    _page_setup(doc)
    _paragraph(doc, manual.owner.title, TITLE_FONT, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        doc,
        _("编制单位：%(issuer)s　　编制日期：%(date)s")
        % {"issuer": issuer(manual.owner), "date": chinese_date(today)},
        ITEM_FONT,
        SIZE_BODY,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        doc, summary_text(manual, today), BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True
    )
    for n, entry in enumerate(manual.subjects, 1):
        _paragraph(doc, f"{chinese_number(n)}、{entry.subject.name}", HEADING_FONT, SIZE_BODY, indent=True)
        _paragraph(doc, _subject_line(entry.subject), BODY_FONT, Pt(12), indent=True)
        _events_table(doc, entry)
    return _bytes(doc)


def _subject_line(subject):
    parts = [
        _("地址：%(v)s") % {"v": subject.address or "—"},
        _("行业领域：%(v)s") % {"v": subject.sector.name},
        _("监管单位：%(v)s") % {"v": subject.supervising_unit.name if subject.supervising_unit else "—"},
        _("监管责任人：%(v)s") % {"v": subject.supervisor.name if subject.supervisor else "—"},
    ]
    return "；".join(parts)


def _events_table(doc, entry):
    headers = [_("风险事件"), _("等级"), _("管控措施"), _("责任人"), _("闭环状态")]
    widths = [Cm(4.2), Cm(2.2), Cm(11), Cm(3.2), Cm(4)]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        _cell(cell, [text], bold=True, center=True)
    for item in entry.events:
        event = item.event
        unit = event.unit
        first = [
            f"{event.name}（{unit.name}）",
            _("事故类型：%(t)s") % {"t": event.get_accident_type_display()},
        ]
        measures = []
        for label, rows in item.kinds:
            for row in rows:
                who = "·".join(
                    x for x in [row.measure.get_level_display(), row.measure.responsible_person] if x
                )
                mark = _("【失效】") if row.failed else ""
                measures.append(f"【{label}】{row.measure.text}（{who}）{mark}")
        people = [unit.department or "—", unit.person_in_charge or ""]
        if item.closed:
            status = [_("闭环")]
        else:
            status = [_("未闭环")] + [hazard_note(row) for row in item.failed_measures]
        cells = table.add_row().cells
        texts = [
            first,
            [str(item.grade_label)],
            measures or [_("（未制定）")],
            [p for p in people if p],
            status,
        ]
        for cell, lines, width in zip(cells, texts, widths, strict=True):
            cell.width = width
            _cell(cell, lines)
    doc.add_paragraph()


def _page_setup(doc):
    # Landscape A4: five columns with the measures' text need the width; margins as GB/T 9704.
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.4)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.5)


def _font(run, name, size, bold=False):
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    # Word takes Chinese glyphs from the East Asian font slot, which font.name does not set.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text, font, size, align=None, indent=False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
    paragraph.paragraph_format.line_spacing = Pt(size.pt * 1.75)
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _cell(cell, lines, bold=False, center=False):
    """One paragraph per line in the cell (its first, empty paragraph takes the first line)."""
    for n, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(line), BODY_FONT, SIZE_TABLE, bold=bold)


def _bytes(doc):
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
