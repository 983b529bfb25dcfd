"""The 一级一册 manual as a Word document in the usual official layout: title centred (小标宋 二号),
issuing unit and date, a summary paragraph, then for each subject a heading (黑体) with its particulars
and a table of its events (风险事件 / 等级 / 管控措施 / 责任人 / 闭环状态). East Asian fonts are set on
every run (Word takes Chinese glyphs from that slot, not from font.name)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.shared import Cm, Pt

from anjian.documents import layout
from anjian.documents.layout import chinese_date, chinese_number
from anjian.org.models import Territory, Unit

from .manual import TOWN, hazard_note

# The subject's particulars in 小四 on a tighter line than the 三号 body (1.75 × the size, as the body).
SIZE_DETAIL, LINE_DETAIL = Pt(12), Pt(21)


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
    # Landscape: five columns with the measures' text need the width.
    doc = layout.new_document(layout.LANDSCAPE)
    layout.title(doc, manual.owner.title)
    layout.paragraph(
        doc,
        _("编制单位：%(issuer)s　　编制日期：%(date)s")
        % {"issuer": issuer(manual.owner), "date": chinese_date(today)},
        layout.ITEM_FONT,
        align=layout.CENTER,
    )
    layout.body(doc, summary_text(manual, today))
    for n, entry in enumerate(manual.subjects, 1):
        layout.heading(doc, f"{chinese_number(n)}、{entry.subject.name}")
        layout.paragraph(
            doc, _subject_line(entry.subject), size=SIZE_DETAIL, indent=True, spacing=LINE_DETAIL
        )
        _events_table(doc, entry)
    return layout.to_bytes(doc)


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
    table = layout.table(doc, len(headers))
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        layout.cell_text(cell, [text], bold=True)
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
            layout.cell_text(cell, lines, center=False)
    doc.add_paragraph()
