"""The printable 《现场检查记录》 of an inspection, as Word (python-docx) and PDF (reportlab).

Both formats are drawn from one `RecordData`, so they say the same thing: a centred title, the header
table (who was checked, when, where, by whom, with which checklist), the items table, the findings
(hazards with their codes and levels) and the handling opinion, then the signatures and the date.
The PDF uses reportlab's built-in CID font STSong-Light, so no font file ships with the project.
"""

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.shared import Cm, Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.documents import layout

from .services_conduct import needs_contact_signature

TITLE = "现场检查记录"


@dataclass
class RecordData:
    code: str
    header: list  # [(label, value), …]
    items: list  # [(number, content, outcome, note), …]
    findings: list  # ["YH… 重大隐患：…", …]
    opinion: str
    signatures: list = field(default_factory=list)  # [(label, name, png bytes or None), …]
    date: str = ""


def filename(inspection, extension):
    return f"{TITLE}-{inspection.subject.name}-{inspection.code}.{extension}"


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def _period(inspection):
    start, end = _local(inspection.started_at), _local(inspection.finished_at)
    if start and end:
        return f"{start} 至 {end}"
    return start or end or "—"


def _place(inspection):
    parts = [inspection.subject.address or inspection.subject.territory.name]
    if inspection.lat is not None:
        accuracy = (
            f" ±{inspection.location_accuracy:.0f}m" if inspection.location_accuracy is not None else ""
        )
        parts.append(f"GPS {inspection.lat:.6f}, {inspection.lon:.6f}{accuracy}")
    return "；".join(parts)


def _inspectors(inspection):
    names = []
    for user in inspection.inspectors.select_related("person__unit"):
        person = getattr(user, "person", None)
        name = person.name if person else user.get_username()
        unit = person.unit.name if person and person.unit_id else ""
        names.append(f"{name}（{unit}）" if unit else name)
    if inspection.is_self and inspection.head_name:
        names.append(_("%(n)s（主要负责人）") % {"n": inspection.head_name})
    return "、".join(names) or "—"


def _kind(inspection):
    label = inspection.get_kind_display()
    if inspection.is_self:
        label = _("企业自查") + ("（" + _("主要负责人带队") + "）" if inspection.led_by_head else "")
    return label


def _signature(attachment):
    if attachment is None:
        return None
    with attachment.file.open("rb") as handle:
        return handle.read()


def _items(inspection):
    results = {result.item_id: result for result in inspection.results.all()}
    rows = []
    for number, item in enumerate(inspection.items(), start=1):
        result = results.get(item.pk)
        content = item.text + (f"\n{_('依据')}：{item.legal_basis}" if item.legal_basis else "")
        outcome = result.get_outcome_display() if result and result.outcome else _("未检查")
        rows.append((str(number), content, outcome, result.note if result else ""))
    return rows


def _findings(inspection):
    results = inspection.results.exclude(hazard=None).select_related("hazard", "item")
    return [
        f"{result.hazard.code}【{result.hazard.get_level_display()}】{result.hazard.title}"
        f"（{_('检查条目')} {result.item.key}）"
        for result in results
    ]


def _opinion(inspection, findings):
    lines = [inspection.summary] if inspection.summary else []
    if findings:
        lines.append(
            _(
                "对检查发现的 %(n)d 项隐患，责令企业立即组织整改，隐患已录入隐患排查治理系统，整改情况由监管单位复查。"
            )
            % {"n": len(findings)}
        )
    elif inspection.finished_at:
        lines.append(_("本次检查未发现隐患。"))
    return "\n".join(lines) or "—"


def record_data(inspection):
    subject = inspection.subject
    version = inspection.checklist_version
    findings = _findings(inspection)
    # An unannounced check or a self-inspection may have nobody on the other side to sign.
    has_contact = (
        needs_contact_signature(inspection) or inspection.contact_signature_id or inspection.contact_name
    )
    header = [
        (_("被检查单位"), subject.name),
        (_("统一社会信用代码"), subject.code or "—"),
        (_("地址"), subject.address or "—"),
        (_("检查时间"), _period(inspection)),
        (_("检查地点"), _place(inspection)),
        (_("检查人员"), _inspectors(inspection)),
        (_("企业陪同人员"), inspection.contact_name or "—"),
        (_("检查类型"), _kind(inspection)),
        (_("依据检查表"), f"{version.checklist.name}（第 {version.number} 版）"),
    ]
    if inspection.plan_id:
        header.append((_("检查计划"), inspection.plan.name))
    signatures = [(_("检查人员"), _inspectors(inspection), _signature(inspection.inspector_signature))]
    if has_contact:
        signatures.append(
            (_("企业陪同人员"), inspection.contact_name, _signature(inspection.contact_signature))
        )
    return RecordData(
        code=inspection.code,
        header=header,
        items=_items(inspection),
        findings=findings,
        opinion=_opinion(inspection, findings),
        signatures=signatures,
        date=_local(inspection.finished_at or timezone.now(), "%Y年%m月%d日"),
    )


# ---- Word ---------------------------------------------------------------------------------------


def build_docx(inspection):
    # The record is a form (a 文书 filled in on site), not a 公文: python-docx's default page, one
    # 宋体 五号 Normal style, and a bold heading. It still takes its helpers from the one layout.

    data = record_data(inspection)
    document = layout.new_document(page=None)
    layout.set_normal_font(document, "SimSun", "宋体", layout.SIZE_TABLE)
    title = document.add_paragraph()
    title.alignment = layout.CENTER
    run = title.add_run(TITLE)
    run.bold, run.font.size = True, Pt(20)
    code = document.add_paragraph(_("编号：%(c)s") % {"c": data.code})
    code.alignment = layout.RIGHT

    header = document.add_table(rows=0, cols=2, style="Table Grid")
    for label, value in data.header:
        cells = header.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Cm(3.5), Cm(12.5)

    document.add_paragraph().add_run(_("检查内容及结果")).bold = True
    items = document.add_table(rows=1, cols=4, style="Table Grid")
    for cell, text in zip(
        items.rows[0].cells, (_("序号"), _("检查内容"), _("结果"), _("情况说明")), strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in data.items:
        for cell, text in zip(items.add_row().cells, row, strict=True):
            cell.text = text
    for row in items.rows:
        for cell, width in zip(row.cells, (Cm(1.2), Cm(8.3), Cm(1.8), Cm(4.7)), strict=True):
            cell.width = width

    document.add_paragraph().add_run(_("发现的问题（隐患）")).bold = True
    for line in data.findings or [_("无")]:
        document.add_paragraph(line, style="List Number" if data.findings else None)
    document.add_paragraph().add_run(_("处理意见")).bold = True
    document.add_paragraph(data.opinion)

    for label, name, image in data.signatures:
        paragraph = document.add_paragraph(_("%(l)s（签名）：") % {"l": label})
        if image:
            paragraph.add_run().add_picture(io.BytesIO(image), height=Cm(1.6))
        else:
            paragraph.add_run(name or "")
    document.add_paragraph(_("日期：%(d)s") % {"d": data.date}).alignment = layout.RIGHT
    return layout.to_bytes(document)


# ---- PDF ----------------------------------------------------------------------------------------

FONT = "STSong-Light"


def _pdf_styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # CJK text has no spaces: wordWrap="CJK" lets a line break between any two characters.
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4
        ),
        "body": body,
        "right": ParagraphStyle("right", parent=body, alignment=2),
    }


def _para(text, style):
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _pdf_table(rows, widths, style, header=False):
    table = Table(
        [[_para(text, style) for text in row] for row in rows], colWidths=widths, repeatRows=int(header)
    )
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table


def _pdf_signature(label, name, image, styles):
    mark = (
        Image(io.BytesIO(image), width=4 * cm, height=1.6 * cm, kind="proportional") if image else name or ""
    )
    cell = _para(_("%(l)s（签名）：") % {"l": label}, styles["body"])
    return Table([[cell, mark]], colWidths=[5 * cm, 11 * cm], hAlign="LEFT")


def build_pdf(inspection, *, compress=True):
    """The record as PDF bytes. `compress=False` leaves the page streams readable (tests look inside)."""

    data = record_data(inspection)
    styles = _pdf_styles()
    story = [
        Paragraph(TITLE, styles["title"]),
        _para(_("编号：%(c)s") % {"c": data.code}, styles["right"]),
        Spacer(1, 4),
        _pdf_table(data.header, [3.5 * cm, 12.5 * cm], styles["body"]),
        _para(_("检查内容及结果"), styles["heading"]),
        _pdf_table(
            [(_("序号"), _("检查内容"), _("结果"), _("情况说明")), *data.items],
            [1.2 * cm, 8.3 * cm, 1.8 * cm, 4.7 * cm],
            styles["body"],
            header=True,
        ),
        _para(_("发现的问题（隐患）"), styles["heading"]),
    ]
    findings = [f"{n}. {line}" for n, line in enumerate(data.findings, start=1)] or [_("无")]
    story += [_para(line, styles["body"]) for line in findings]
    story += [_para(_("处理意见"), styles["heading"]), _para(data.opinion, styles["body"]), Spacer(1, 12)]
    story += [_pdf_signature(label, name, image, styles) for label, name, image in data.signatures]
    story.append(_para(_("日期：%(d)s") % {"d": data.date}, styles["right"]))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{TITLE} {data.code}",
        pageCompression=1 if compress else 0,
    )
    document.build(story)
    return out.getvalue()
