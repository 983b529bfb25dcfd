"""The bulletin (通报) as PDF, from the same `bulletin.BulletinData` as the Word file. The score chart
is a reportlab vector bar chart (reportlab.graphics.charts.barcharts) placed in the page as a drawing,
so it needs no raster backend; text uses reportlab's built-in CID font STSong-Light, so no font file
ships with the project."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .bulletin import bulletin_data, table_header, table_row

FONT = "STSong-Light"
RED = colors.HexColor("#C00000")
BLUE = colors.HexColor("#2F5597")
CHART_WIDTH, CHART_HEIGHT = 16 * cm, 7.5 * cm


def _styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # CJK text has no spaces: wordWrap="CJK" lets a line break between any two characters.
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=12,
        leading=20,
        wordWrap="CJK",
        firstLineIndent=24,
        alignment=TA_JUSTIFY,
    )
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    return {
        "issuer": ParagraphStyle(
            "issuer", parent=plain, fontSize=22, leading=30, alignment=TA_CENTER, textColor=RED
        ),
        "number": ParagraphStyle("number", parent=plain, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=plain, fontSize=17, leading=26, alignment=TA_CENTER, spaceAfter=8
        ),
        "heading": ParagraphStyle("heading", parent=body, spaceBefore=6, spaceAfter=2),
        "body": body,
        "plain": plain,
        "small": ParagraphStyle("small", parent=plain, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", parent=plain, fontSize=9, leading=12, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=plain, alignment=TA_RIGHT),
    }


def _para(text, style):
    return Paragraph(escape(text or ""), style)


def _ranking_table(data, styles):
    header = table_header(data)
    rows = [header, *(table_row(row) for row in data.rows)]
    fixed = [1.1 * cm, 2.6 * cm, 1.5 * cm]
    rest = (16 * cm - sum(fixed) - 1.4 * cm) / max(len(data.columns), 1)
    widths = [*fixed, *([rest] * len(data.columns)), 1.4 * cm]
    table = Table(
        [[_para(text, styles["cell"]) for text in row] for row in rows], colWidths=widths, repeatRows=1
    )
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]
    for index, row in enumerate(data.rows, start=1):
        if row.summoned:
            commands.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#fbe4e4")))
    table.setStyle(TableStyle(commands))
    return table


def score_chart(data):
    """A vertical bar chart of the towns' scores in rank order; the summoned towns' bars in red."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.2 * cm, 2.2 * cm
    chart.width, chart.height = CHART_WIDTH - 1.6 * cm, CHART_HEIGHT - 2.8 * cm
    scores = [float(row.score) for row in data.rows] or [0]
    chart.data = [scores]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(100, *scores)
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [row.town for row in data.rows] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    for index, row in enumerate(data.rows):
        if row.summoned:
            chart.bars[(0, index)].fillColor = RED
    drawing.add(chart)
    caption = String(
        CHART_WIDTH / 2, CHART_HEIGHT - 0.4 * cm, _("各镇（街道）得分"), fontName=FONT, fontSize=9
    )
    caption.textAnchor = "middle"
    drawing.add(caption)
    return drawing


def build_pdf(run, *, compress=True, today=None):
    """The bulletin as PDF bytes. `compress=False` leaves the page streams readable (tests look inside)."""
    data = bulletin_data(run, today)
    styles = _styles()
    story = [
        _para(data.issuer, styles["issuer"]),
        _para(data.number, styles["number"]),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=4, spaceAfter=12),
        _para(data.title, styles["title"]),
        _para(_("各镇人民政府、街道办事处，市经济开发区管委会："), styles["plain"]),
        _para(data.summary, styles["body"]),
        _para(_("一、晾晒排名"), styles["heading"]),
        _ranking_table(data, styles),
        _para(data.note, styles["small"]),
        KeepTogether([_para(_("二、得分情况"), styles["heading"]), score_chart(data)]),
        _para(_("三、工作要求"), styles["heading"]),
    ]
    story += [_para(f"{n}. {text}", styles["body"]) for n, text in enumerate(data.requirements, start=1)]
    story += [Spacer(1, 18), _para(data.signature, styles["right"]), _para(data.date, styles["right"])]
    story += [
        Spacer(1, 18),
        HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceAfter=4),
        _para(data.cc, styles["plain"]),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title=data.title,
        pageCompression=1 if compress else 0,
    )
    document.build(story)
    return out.getvalue()
