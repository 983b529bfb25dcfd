"""The bulletin (通报) of a month's ranking as a Word document in the usual government layout: the
issuing body in red over a red rule, the document number, the title, a summary naming the first and
the last towns and those to be summoned (约谈), the ranking table, a bar chart of the scores, the
requirements, the signature and date, and the 抄送 line.

Word and PDF (bulletin_pdf.py) are drawn from one `BulletinData`, so they say the same thing. The chart
in Word is a table of bars (shaded cells), not a picture: reportlab's renderPM needs the rlPyCairo
backend, which the project does not ship, and the table needs no font file to show Chinese names.
A draft run may be printed too; its title then says 草稿.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.shared import Cm, Pt

from anjian.documents import layout
from anjian.documents.layout import chinese_date
from anjian.org.models import Territory

from .charts import previous_published
from .indicators import REGISTRY
from .models import RankingRun
from .services_interviews import bottom_scores

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
    indicator = REGISTRY.get(code)  # a code the registry does not know still prints
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
        date=chinese_date(day),
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
    doc = layout.new_document()
    layout.red_head(doc, data.issuer, data.number)
    layout.title(doc, data.title)
    layout.paragraph(doc, _("各镇人民政府、街道办事处，市经济开发区管委会："))
    layout.body(doc, data.summary)
    layout.heading(doc, _("一、晾晒排名"))
    _ranking_table(doc, data)
    layout.paragraph(doc, data.note, size=layout.SIZE_TABLE)
    layout.heading(doc, _("二、得分情况"))
    _bar_table(doc, data)
    layout.heading(doc, _("三、工作要求"))
    for number, text in enumerate(data.requirements, start=1):
        layout.body(doc, f"{number}. {text}")
    layout.blank(doc)
    layout.signature(doc, data.signature, data.date)
    layout.red_rule(layout.paragraph(doc, data.cc, size=Pt(14)), top=True)  # 抄送 in 四号 over a rule
    return layout.to_bytes(doc)


def _ranking_table(doc, data):
    header = table_header(data)
    table = layout.table(doc, len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        layout.cell_text(cell, text, bold=True)
    for row in data.rows:
        for cell, text in zip(table.add_row().cells, table_row(row), strict=True):
            layout.cell_text(cell, text)


def _bar_table(doc, data):
    """Scores as horizontal bars: one shaded cell per 1/BAR_CELLS of the top score."""
    top = max((row.score for row in data.rows), default=Decimal(0)) or Decimal(1)
    table = layout.table(doc, BAR_CELLS + 2, rows=0, grid=False)
    for row in data.rows:
        cells = table.add_row().cells
        layout.cell_text(cells[0], row.town)
        filled = round(row.score / top * BAR_CELLS)
        for cell in cells[1 : 1 + filled]:
            layout.shade(cell, layout.RED_HEX if row.summoned else "2F5597")
        layout.cell_text(cells[-1], f"{row.score:.2f}")
        cells[0].width, cells[-1].width = Cm(2.6), Cm(1.6)
        for cell in cells[1:-1]:
            cell.width = Cm(0.5)
