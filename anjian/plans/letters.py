"""The reminder letter (提示函) from the committee office: its title and body text, and the Word
document in the usual official layout (GB/T 9704 page; the issuer's name as a red heading, the
document number under it above a red rule, the title in 小标宋, the salutation, the body in 仿宋 with
the list of unreported tasks, the issuer and the date at the bottom right)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.documents import layout
from anjian.documents.layout import chinese_date
from anjian.notifications.services import notify
from anjian.org.models import Role

from .documents import _plan_subject, issuer_name, period_label
from .models import Task
from .permissions import REPORTING_ROLES
from .rules import city_name

# The office's contact line is not in the data model; the letter asks for the report on the platform.
OVERDUE_CLOSING = (
    "上述任务已超过报送截止时间{days}天。请你单位高度重视，抓紧梳理工作进展，于收到本函后3个工作日内"
    "通过平台补报完成情况，并说明逾期原因。"
)
DUE_CLOSING = (
    "请你单位高度重视，认真梳理上述任务推进情况，于{deadline}前通过平台报送完成情况，逾期未报的将予以通报。"
)


def letter_title(plan, period):
    """关于报送2023年安全生产工作要点半年度完成情况的提示函"""
    subject = _plan_subject(plan, city_name())
    return f"关于报送{plan.year}年{subject}{period_label(period)}完成情况的提示函"


def task_label(task):
    """ "3.一是 燃气管道更新改造": the number a reader cites and the task's title."""
    number = task.number
    if task.level == Task.Level.POINT and task.parent_id:
        number = f"{task.parent.number}.{task.number}"
    title = (task.title or task.text or "").strip()
    if len(title) > 60:
        title = title[:60] + "……"
    return f"{number} {title}".strip()


def letter_body(plan, period, unit, tasks, today):
    """The body as lines: the reason, the list of unreported tasks, the request, 特此提示。"""
    deadline = chinese_date(period.deadline)
    which = period_label(period)
    lines = [
        f"根据《{plan.title}》要求，各责任单位应于{deadline}前将{which}工作完成情况报送市安委办。"
        f"截至{chinese_date(today)}，你单位负责的以下{len(tasks)}项任务尚未报送{which}完成情况：",
    ]
    lines += [f"{index}. {task_label(task)}" for index, task in enumerate(tasks, start=1)]
    late_days = (today - period.deadline).days
    if late_days > 0:
        lines.append(OVERDUE_CLOSING.format(days=late_days))
    else:
        lines.append(DUE_CLOSING.format(deadline=deadline))
    lines.append("特此提示。")
    return "\n".join(lines)


def letter_docx(letter):
    """The letter as .docx bytes."""
    doc = layout.new_document()
    office = issuer_name()
    layout.red_head(doc, office, letter.number)
    layout.blank(doc)
    layout.title(doc, letter_title(letter.plan, letter.period))
    layout.blank(doc)
    layout.paragraph(doc, f"{letter.unit.name}：")
    for line in letter.body.splitlines():
        if line.strip():
            layout.body(doc, line)
    layout.blank(doc)
    layout.signature(doc, office, chinese_date(timezone.localdate(letter.issued_at)))
    return layout.to_bytes(doc)


# --- sending the letter ---------------------------------------------------------------------------


def unit_users(unit_ids):
    """The active users who report for these units (their reporting-role assignments name the unit):
    whom a letter or a reminder to a unit reaches."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, roles__unit_id__in=list(unit_ids), roles__role__in=REPORTING_ROLES)
        .distinct()
        .order_by("pk")
    )


def office_users():
    """The committee office's active users (city_office role)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, roles__role=Role.CITY_OFFICE)
        .distinct()
        .order_by("pk")
    )


def letter_url(letter):
    return reverse("plans:letter_docx", args=[letter.pk])


def send_letter(letter, recipients, *, late):
    """Tell `recipients` of `letter`, with its download link (the 提示函 is sent, not only drawn up).
    Call inside the transaction that issued it; one message per letter and person."""
    deadline = letter.period.deadline
    text = _(
        "市安委办向%(unit)s发出提示函 %(number)s：《%(plan)s》%(period)s报送截止%(deadline)s，"
        "尚有任务%(state)s，请下载提示函并在平台报送。"
    ) % {
        "unit": letter.unit.name,
        "number": letter.number,
        "plan": letter.plan.title,
        "period": letter.period.name,
        "deadline": f"{deadline:%Y-%m-%d}",
        "state": _("逾期未报") if late else _("未报送"),
    }
    return notify(
        recipients,
        kind="plan.report_late" if late else "plan.report_due",
        text=text,
        about=letter,
        url=letter_url(letter),
        dedup_key=f"plan-letter:{letter.pk}",
    )
