"""The outputs of a work plan for a period: the completion report as a Word document in the usual
official layout (GB/T 9704 margins and fonts: title in 小标宋 二号, chapter headings in 黑体, item
headings in 楷体, body in 仿宋 三号; a targets table; issuer and date at the end), for the whole
city or for one unit, and the Excel ledger (one row per task × responsible unit).

Both read the same `overview.Snapshot` as the overview page, so the documents say what the page
shows."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from anjian.documents import layout
from anjian.documents.layout import chinese_date
from anjian.org.models import Unit

from . import overview as ov
from .models import ReportingPeriod, Task, UnitRole
from .rules import city_name

SIZE_CELL = Pt(12)  # 小四: the targets table has few, short columns


# --- titles ------------------------------------------------------------------------------------


def period_label(period):
    return {ReportingPeriod.Kind.HALF_YEAR: _("半年度"), ReportingPeriod.Kind.FULL_YEAR: _("全年")}.get(
        period.kind, period.name
    )


def _plan_subject(plan, city):
    """ "2023年温岭市安全生产工作要点" → "安全生产工作要点": the title without its year and city."""
    subject = plan.title.replace(f"{plan.year}年", "", 1)
    if city:
        subject = subject.replace(city, "", 1)
    return subject.strip() or plan.title


def report_title(plan, period, unit=None):
    city = city_name()
    subject = f"{plan.year}年{_plan_subject(plan, city)}{period_label(period)}完成情况"
    if unit is not None:
        return f"{unit.name}关于{subject}的报告"
    return f"{city}{subject}"


def issuer_name(unit=None):
    """The name a document is signed with: 市应急管理局 → 温岭市应急管理局; the city report is
    signed by the committee office under its full name."""
    city = city_name()
    if unit is None:
        office = Unit.objects.filter(kind=Unit.Kind.OFFICE).first()
        if office is None:
            return city
        full = [a for a in office.aliases if city and a.startswith(city)]
        return full[0] if full else office.name
    if city and unit.name.startswith("市"):
        return city + unit.name[1:]
    if unit.kind == Unit.Kind.TOWN and unit.name.endswith("镇"):
        return f"{unit.name}人民政府"
    return unit.name


def full_number(snap, task):
    """ "3.一是" for a sub-point, "3" for an item: how a reader cites it."""
    if task.level == Task.Level.POINT and task.parent_id:
        return f"{snap.tasks[task.parent_id].number}.{task.number}"
    return task.number


def target_goal(target):
    return f"{target.deadline}{ov.format_number(target.quantity)}{target.unit}{target.comparison}"


# --- Word ----------------------------------------------------------------------------------------


def completion_report_docx(plan, period, unit=None, today=None):
    """The completion report for `period` as .docx bytes: the city's (all tasks, consolidated or
    combined texts) or, given `unit`, that unit's (only its tasks and its own figures)."""
    today = today or timezone.localdate()
    snap = ov.load(plan, period, today=today)
    doc = layout.new_document()
    layout.title(doc, report_title(plan, period, unit))
    layout.blank(doc)
    if unit is not None:
        layout.paragraph(doc, f"{issuer_name()}：")
    layout.body(doc, _intro(plan, period, unit))
    tracked = [t for t in snap.tracked if unit is None or unit.pk in snap.roles[t.pk]]
    _write_tasks(doc, snap, {t.pk for t in tracked}, unit)
    _write_targets(doc, snap, tracked, unit)
    layout.blank(doc)
    layout.signature(doc, issuer_name(unit), chinese_date(today))
    return layout.to_bytes(doc)


def _intro(plan, period, unit):
    which = period_label(period)
    if unit is not None:
        return f"根据《{plan.title}》要求，现将我单位{which}工作完成情况报告如下："
    return f"根据《{plan.title}》要求，现将全市{which}工作完成情况汇总如下："


def _write_tasks(doc, snap, included, unit):
    """Chapters and items in plan order; a heading only where something under it is included."""
    wanted = set()
    for task_id in included:
        node = snap.tasks[task_id]
        while node is not None:
            wanted.add(node.pk)
            node = snap.tasks.get(node.parent_id)
    for task in snap.tasks.values():
        if task.pk not in wanted:
            continue
        if task.level == Task.Level.CHAPTER:
            layout.heading(doc, f"{task.number}、{task.title}")
        elif task.level == Task.Level.ITEM:
            layout.paragraph(doc, f"{task.number}.{task.title}", layout.ITEM_FONT, indent=True)
        if task.pk in included:
            lead = f"{task.number}{task.title.rstrip('。；：')}。" if task.level == Task.Level.POINT else ""
            layout.body(doc, lead + _task_text(snap, task, unit))


def _task_text(snap, task, unit):
    status = ov.STATUS_LABELS[snap.status[task.pk]]
    if unit is not None:
        report = snap.unit_report(task.pk, unit.pk)
        return f"{report.text}（{report.get_status_display()}）" if report else _("（未报送）")
    reports = snap.reports.get(task.pk, [])
    consolidated = [r for r in reports if r.consolidated]
    if consolidated:
        return f"{consolidated[-1].text}（{status}）"
    if not reports:
        return f"（{_('未报送')}）"
    return "；".join(f"{r.unit.name}：{r.text.rstrip('。；')}" for r in reports) + f"。（{status}）"


def _write_targets(doc, snap, tracked, unit):
    task_ids = {t.pk for t in tracked}
    rows = [row for row in ov.by_target(snap) if snap.reported_under(row["target"].task_id) in task_ids]
    if not rows:
        return
    layout.heading(doc, _("附：量化指标完成情况"))
    table = layout.table(doc, 5)
    for cell, text in zip(
        table.rows[0].cells, [_("序号"), _("指标"), _("目标值"), _("完成值"), _("完成率")], strict=True
    ):
        layout.cell_text(cell, text, SIZE_CELL, bold=True)
    for n, row in enumerate(rows, 1):
        target = row["target"]
        value, percent = row["reported"], row["percent"]
        if unit is not None:
            value = _unit_figure(snap, target, unit)
            percent = ov.percent_of(value, target.quantity)
        cells = table.add_row().cells
        texts = [
            str(n),
            f"{target.what}（{full_number(snap, row['task'])}）",
            target_goal(target),
            f"{ov.format_number(value)}{target.unit}" if value is not None else _("未报送"),
            f"{percent:g}%" if percent is not None else "—",
        ]
        for cell, text in zip(cells, texts, strict=True):
            layout.cell_text(cell, text, SIZE_CELL)


def _unit_figure(snap, target, unit):
    report = snap.unit_report(snap.reported_under(target.task_id), unit.pk)
    return snap.figures.get(report.pk, {}).get(target.pk) if report else None


# --- Excel ---------------------------------------------------------------------------------------

LEDGER_HEADERS = (
    gettext_lazy("章"),
    gettext_lazy("序号"),
    gettext_lazy("任务"),
    gettext_lazy("责任单位"),
    gettext_lazy("职责"),
    gettext_lazy("进展"),
    gettext_lazy("完成情况"),
    gettext_lazy("指标完成数"),
    gettext_lazy("报送时间"),
    gettext_lazy("逾期"),
    gettext_lazy("牵头汇总"),
)
ROLE_LABELS = dict(UnitRole.choices)


def ledger_xlsx(plan, period, today=None):
    """The ledger as .xlsx bytes: sheet 台账 (one row per task × responsible unit) and sheet 指标."""
    snap = ov.load(plan, period, today=today)
    book = Workbook()
    sheet = book.active
    sheet.title = _("台账")
    _header(sheet, LEDGER_HEADERS)
    for task in snap.tracked:
        for unit_id, role in sorted(snap.roles[task.pk].items(), key=lambda kv: ov.ROLE_RANK[kv[1]]):
            sheet.append(_ledger_row(snap, task, snap.units[unit_id], role))
    for column, width in zip("ABCDEFGHIJK", (22, 8, 30, 22, 8, 12, 60, 30, 18, 6, 8), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _targets_sheet(book.create_sheet(_("指标")), snap)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ledger_row(snap, task, unit, role):
    report = snap.unit_report(task.pk, unit.pk)
    late = ov.unit_late(snap, report)
    figures = ""
    if report:
        by_id = {t.pk: t for t in snap.targets}
        figures = "；".join(
            f"{by_id[target_id].what} {ov.format_number(value)}{by_id[target_id].unit}"
            for target_id, value in snap.figures.get(report.pk, {}).items()
        )
    return [
        ov.chapter_name(snap.chapter_of(task)),
        full_number(snap, task),
        task.title or task.text[:60],
        unit.name,
        str(ROLE_LABELS[role]),
        report.get_status_display() if report else (_("逾期未报") if late else _("未报送")),
        report.text if report else "",
        figures,
        timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report else "",
        _("是") if late else _("否"),
        _("是") if report and report.consolidated else "",
    ]


def _targets_sheet(sheet, snap):
    _header(sheet, [_("序号"), _("任务"), _("指标"), _("目标值"), _("完成值"), _("完成率(%)"), _("数据来源")])
    sources = {"consolidated": _("牵头单位汇总"), "units": _("各单位合计"), "": _("未报送")}
    for n, row in enumerate(ov.by_target(snap), 1):
        target = row["target"]
        sheet.append(
            [
                n,
                full_number(snap, row["task"]),
                target.what,
                target_goal(target),
                float(row["reported"]) if row["reported"] is not None else None,
                row["percent"],
                str(sources[row["source"]]),
            ]
        )
    for column, width in zip("ABCDEFG", (6, 10, 30, 18, 10, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width


def _header(sheet, titles):
    sheet.append([str(t) for t in titles])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
