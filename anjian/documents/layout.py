"""The government document layout (GB/T 9704) for python-docx: the page, the fonts and sizes, the
paragraph kinds (title, heading, body with a two-character first-line indent, right-aligned issuer and
date), the red rule of a 红头 document, and table cells.

Sizes by their Chinese names: 一号 26 pt (the issuing body's red name), 二号 22 pt (title), 三号 16 pt
(body), 小四 12 pt, 五号 10.5 pt (tables)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT, HEADING_FONT, ITEM_FONT, BODY_FONT = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
SIZE_ISSUER, SIZE_TITLE, SIZE_BODY, SIZE_TABLE = Pt(26), Pt(22), Pt(16), Pt(10.5)
# Body text sits on a fixed 28 pt line (22 lines to the page, GB/T 9704 §5.2.2); larger type (the
# issuer and the title) keeps Word's single spacing so its glyphs are not squeezed into that line.
LINE = Pt(28)
RED = RGBColor(0xC0, 0x00, 0x00)
RED_HEX = "C00000"
CHINESE_NUMBERS = "一二三四五六七八九十"

LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)

# (page width, height, top, bottom, left, right): A4 portrait with the standard's margins (版心
# 156 × 225 mm), and A4 landscape for wide tables (registers, manuals).
PORTRAIT = (Cm(21), Cm(29.7), Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))
LANDSCAPE = (Cm(29.7), Cm(21), Cm(2.6), Cm(2.4), Cm(2.5), Cm(2.5))


def new_document(page=PORTRAIT):
    """An empty document with its page set up (python-docx's default page when `page` is None)."""
    doc = Document()
    if page is None:
        return doc
    section = doc.sections[0]
    if page is LANDSCAPE:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = page[0], page[1]
    section.top_margin, section.bottom_margin = page[2], page[3]
    section.left_margin, section.right_margin = page[4], page[5]
    return doc


def to_bytes(doc):
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def set_font(run, name, size, bold=False, color=None):
    run.font.name, run.font.size, run.font.bold = name, size, bold
    if color is not None:
        run.font.color.rgb = color
    # Word takes Chinese glyphs from the East Asian font slot, which font.name does not set.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def set_normal_font(doc, name, east_asian, size):
    """The Normal style's font, for documents whose runs carry no font of their own (forms)."""
    style = doc.styles["Normal"]
    style.font.name = name
    style.font.size = size
    style.element.rPr.rFonts.set(qn("w:eastAsia"), east_asian)


def paragraph(doc, text, font=BODY_FONT, size=SIZE_BODY, align=None, indent=False, color=None, spacing=None):
    """One paragraph of one run. `indent`: the first line indented by two characters; `spacing`: an
    exact line height instead of the standard's (see LINE)."""
    par = doc.add_paragraph()
    if align is not None:
        par.alignment = align
    if indent:
        par.paragraph_format.first_line_indent = Pt(size.pt * 2)
    if spacing is None:
        spacing = LINE if size.pt <= SIZE_BODY.pt else None
    par.paragraph_format.line_spacing = spacing
    set_font(par.add_run(text), font, size, color=color)
    return par


def title(doc, text, size=SIZE_TITLE, color=None):
    return paragraph(doc, text, TITLE_FONT, size, align=CENTER, color=color)


def heading(doc, text):
    """一、… : a chapter heading in 黑体, indented as the body."""
    return paragraph(doc, text, HEADING_FONT, SIZE_BODY, indent=True)


def body(doc, text):
    return paragraph(doc, text, BODY_FONT, SIZE_BODY, align=JUSTIFY, indent=True)


def blank(doc):
    return paragraph(doc, "", BODY_FONT, SIZE_BODY)


def signature(doc, issuer, date):
    """The issuer and the date (as written, see chinese_date), right-aligned under the body."""
    paragraph(doc, issuer, align=RIGHT)
    paragraph(doc, date, align=RIGHT)


def red_rule(par, top=False):
    """A red line under (or over) the paragraph: the rule of a 红头 document under its number."""
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement("w:top" if top else "w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", RED_HEX)):
        edge.set(qn(key), value)
    borders.append(edge)
    par._p.get_or_add_pPr().append(borders)


def red_head(doc, issuer, number):
    """The issuing body's name in red 一号 小标宋 and the document number (发文字号) over the red rule."""
    paragraph(doc, issuer, TITLE_FONT, SIZE_ISSUER, align=CENTER, color=RED)
    red_rule(paragraph(doc, number, align=CENTER))


def table(doc, cols, rows=1, grid=True):
    """A table centred on the page, ruled unless `grid` is false."""
    tbl = doc.add_table(rows=rows, cols=cols)
    if grid:
        tbl.style = "Table Grid"
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    return tbl


def cell_text(cell, lines, size=SIZE_TABLE, bold=False, center=True):
    """Text in a table cell in the body font, one paragraph per line (the cell's first, empty
    paragraph takes the first)."""
    for n, line in enumerate([lines] if isinstance(lines, str) else lines):
        par = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        if center:
            par.alignment = CENTER
        set_font(par.add_run(line), BODY_FONT, size, bold=bold)


def shade(cell, colour):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def chinese_date(day):
    """2024年7月1日: the date as a document writes it (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n):
    """1 → 一, 12 → 十二, 23 → 二十三 (headings of up to 99 parts; beyond that, digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("" if tens == 1 else CHINESE_NUMBERS[tens - 1]) + "十"
    return head + (CHINESE_NUMBERS[ones - 1] if ones else "")
