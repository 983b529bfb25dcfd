"""The bulletin (通报) of a month's ranking as a Word document in the usual government layout: the
issuing body in red over a red rule, the document number, the title, a summary naming the first and
the last towns and those to be summoned (约谈), the ranking table, a bar chart of the scores, the
requirements, the signature and date, and the 抄送 line.

Word and PDF (bulletin_pdf.py) are drawn from one `BulletinData`, so they say the same thing. The chart
in Word is a table of bars (shaded cells), not a picture: reportlab's renderPM needs the rlPyCairo
backend, which the project does not ship, and the table needs no font file to show Chinese names.
A draft run may be printed too; its title then says 草稿.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from anjian.org.models import Territory

from .charts import previous_published
from .models import RankingRun

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"
SIZE_ISSUER, SIZE_TITLE, SIZE_BODY, SIZE_TABLE = Pt(26), Pt(22), Pt(16), Pt(10.5)
MAIN_INDICATORS = 4  # the heaviest indicators get their own column; a 14-column table does not fit A4
BAR_CELLS = 20  # the Word chart: one shaded cell per 5% of the top score


@dataclass
class Row:
    rank: int
    town: str
    score: Decimal
    points: list  # points of each main indicator (None: no data)
    change: str  # 较上月: "↑2", "↓1", "—" (same), "" (no earlier month)
    summoned: bool = False


@dataclass
class BulletinData:
    issuer: str
    number: str
    title: str
    summary: str
    columns: list  # names of the main indicators
    rows: list = field(default_factory=list)
    requirements: list = field(default_factory=list)
    signature: str = ""
    date: str = ""
    cc: str = ""
    note: str = ""
    draft: bool = False


def city_name():
    city = Territory.objects.filter(level=Territory.Level.CITY).order_by("path").first()
    return city.name if city else "温岭市"


def month_label(run):
    return f"{run.month.year}年{run.month.month}月"


def filename(run, extension):
    draft = _("（草稿）") if run.status == RankingRun.Status.DRAFT else ""
    title = _("月晾晒通报")  # outside the f-string, so makemessages finds it
    return f"{title}-{run.month:%Y-%m}-v{run.version}{draft}.{extension}"


def _indicator_name(code):
    try:  # the registry is another module of the app; a code it does not know still prints
        from .indicators import REGISTRY
    except ImportError:
        return code
    indicator = REGISTRY.get(code)
    return str(indicator.name) if indicator else code


def _main_codes(run):
    configured = sorted(
        run.config.get("indicators", []), key=lambda i: (-Decimal(str(i.get("weight", 0))), i["code"])
    )
    return [i["code"] for i in configured[:MAIN_INDICATORS]]


def _previous_ranks(run):
    """{town_id: rank} in the published run of the month before, if there is one (as the run page)."""
    earlier = previous_published(run)
    return dict(earlier.scores.values_list("town_id", "rank")) if earlier else {}


def _change(rank, before):
    if before is None:
        return ""
    if before == rank:
        return "—"
    return f"↑{before - rank}" if rank < before else f"↓{rank - before}"


def _points(score, code):
    points = (score.indicators.get(code) or {}).get("points")
    return None if points is None else Decimal(str(points))


def _names(scores):
    return "、".join(s.town.name for s in scores)


def _summary(run, scores, bottom):
    first = [s for s in scores if s.rank == scores[0].rank]
    last = [s for s in scores if s.rank == scores[-1].rank]
    text = _("根据《%(scheme)s》，市安委办对全市%(n)d个镇（街道）%(month)s安全生产工作进行了量化晾晒。") % {
        "scheme": run.scheme.name,
        "n": len(scores),
        "month": month_label(run),
    }
    if len(first) == len(scores):
        text += _("各镇（街道）得分均为%(top).2f分，并列第一。") % {"top": scores[0].score}
    else:
        text += _("%(first)s以%(top).2f分位列第一；%(last)s以%(low).2f分排名末位。") % {
            "first": _names(first),
            "top": scores[0].score,
            "last": _names(last),
            "low": scores[-1].score,
        }
    if bottom:
        text += _("按照方案规定，排名后%(n)d位的%(towns)s由市安委办进行警示约谈。") % {
            "n": len(bottom),
            "towns": _names(sorted(bottom, key=lambda s: s.rank)),
        }
    return text


def _requirements():
    return [
        _(
            "各镇（街道）要对照晾晒指标逐项查找差距，主要负责人亲自研究部署，压紧压实属地管理责任，"
            "对隐患排查不深不细、整改不及时等问题举一反三、立行立改。"
        ),
        _(
            "被约谈的镇（街道）要深刻剖析原因，于约谈后10个工作日内将整改措施书面报送市安委办，"
            "市安委办将跟踪承诺事项落实情况，并在下月晾晒中予以通报。"
        ),
        _("各镇（街道）要严格落实数据填报责任，确保隐患、检查、事故等数据真实、准确、及时。"),
    ]


def bulletin_data(run, today=None):
    """Everything the bulletin says about `run`, in the order it says it."""
    from .services_interviews import bottom_scores  # one rule for who is summoned, there

    today = today or timezone.localdate()
    scores = list(run.scores.select_related("town").order_by("rank", "town__path"))
    bottom = bottom_scores(run)
    summoned = {s.pk for s in bottom}
    codes = _main_codes(run)
    before = _previous_ranks(run)
    draft = run.status == RankingRun.Status.DRAFT
    city = city_name()
    title = _("关于%(month)s各镇（街道）安全生产工作月晾晒情况的通报") % {"month": month_label(run)}
    day = timezone.localdate(run.published_at) if run.published_at and not draft else today
    return BulletinData(
        issuer=_("%(city)s安全生产委员会办公室") % {"city": city},
        # Placeholder numbering: the month stands in for the serial number the office's document
        # register would give (温安委办〔2026〕10号 for October); the real number is assigned on issue.
        number=f"{city[:1]}安委办〔{run.month.year}〕{run.month.month}号",
        title=title + (_("（草稿）") if draft else ""),
        summary=_summary(run, scores, bottom) if scores else _("本月没有晾晒结果。"),
        columns=[_indicator_name(code) for code in codes],
        rows=[
            Row(
                rank=s.rank,
                town=s.town.name,
                score=s.score,
                points=[_points(s, code) for code in codes],
                change=_change(s.rank, before.get(s.town_id)),
                summoned=s.pk in summoned,
            )
            for s in scores
        ],
        requirements=_requirements(),
        signature=_("%(city)s安全生产委员会办公室") % {"city": city},
        date=f"{day.year}年{day.month}月{day.day}日",
        cc=_("抄送：市安委会各成员单位，市委办、市人大办、市政府办、市政协办。"),
        note=table_note(run),
        draft=draft,
    )


def table_header(data):
    return [_("排名"), _("镇（街道）"), _("得分"), *data.columns, _("较上月")]


def table_row(row):
    points = ["—" if p is None else f"{p:.2f}" for p in row.points]
    town = row.town + ("*" if row.summoned else "")
    return [str(row.rank), town, f"{row.score:.2f}", *points, row.change or "—"]


TABLE_NOTE = gettext_lazy(
    "注：满分%(total)s分；指标列为该指标得分，“—”表示当月无数据；较上月为排名变化；*为约谈对象。"
)


def table_note(run):
    total = Decimal(str(run.config.get("total_weight", run.scheme.total_weight)))
    return str(TABLE_NOTE) % {"total": f"{total:g}"}


# --- Word ----------------------------------------------------------------------------------------


def build_docx(run, today=None):
    data = bulletin_data(run, today)
    doc = Document()
    _page_setup(doc)
    _paragraph(doc, data.issuer, TITLE_FONT, SIZE_ISSUER, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    number = _paragraph(doc, data.number, BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _paragraph(doc, data.title, TITLE_FONT, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, _("各镇人民政府、街道办事处，市经济开发区管委会："), BODY_FONT, SIZE_BODY)
    _body(doc, data.summary)
    _paragraph(doc, _("一、晾晒排名"), HEADING_FONT, SIZE_BODY, indent=True)
    _ranking_table(doc, data)
    _paragraph(doc, data.note, BODY_FONT, Pt(10.5))
    _paragraph(doc, _("二、得分情况"), HEADING_FONT, SIZE_BODY, indent=True)
    _bar_table(doc, data)
    _paragraph(doc, _("三、工作要求"), HEADING_FONT, SIZE_BODY, indent=True)
    for number_, text in enumerate(data.requirements, start=1):
        _body(doc, f"{number_}. {text}")
    _paragraph(doc, "", BODY_FONT, SIZE_BODY)
    _paragraph(doc, data.signature, BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, data.date, BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _red_rule(_paragraph(doc, data.cc, BODY_FONT, Pt(14)), top=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _ranking_table(doc, data):
    header = table_header(data)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True)
    for row in data.rows:
        for cell, text in zip(table.add_row().cells, table_row(row), strict=True):
            _cell(cell, text)


def _bar_table(doc, data):
    """Scores as horizontal bars: one shaded cell per 1/BAR_CELLS of the top score."""
    top = max((row.score for row in data.rows), default=Decimal(0)) or Decimal(1)
    table = doc.add_table(rows=0, cols=BAR_CELLS + 2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in data.rows:
        cells = table.add_row().cells
        _cell(cells[0], row.town)
        filled = round(row.score / top * BAR_CELLS)
        for cell in cells[1 : 1 + filled]:
            _shade(cell, "C00000" if row.summoned else "2F5597")
        _cell(cells[-1], f"{row.score:.2f}")
        cells[0].width, cells[-1].width = Cm(2.6), Cm(1.6)
        for cell in cells[1:-1]:
            cell.width = Cm(0.5)


def _shade(cell, colour):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _red_rule(paragraph, top=False):
    """A red line under (or over) the paragraph: the 红头 rule of an official document."""
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement("w:top" if top else "w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        edge.set(qn(key), value)
    borders.append(edge)
    paragraph._p.get_or_add_pPr().append(borders)


def _page_setup(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _font(run, name, size, bold=False, color=None):
    run.font.name, run.font.size, run.font.bold = name, size, bold
    if color is not None:
        run.font.color.rgb = color
    # Word takes Chinese glyphs from the East Asian font slot, which font.name does not set.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text, font, size, align=None, indent=False, color=None):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
    paragraph.paragraph_format.line_spacing = Pt(28) if size.pt <= 16 else None
    _font(paragraph.add_run(text), font, size, color=color)
    return paragraph


def _body(doc, text):
    return _paragraph(doc, text, BODY_FONT, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def _cell(cell, text, bold=False):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), BODY_FONT, SIZE_TABLE, bold=bold)
