"""Every kind of message the platform sends, with its defaults.

One list, so the preferences page, the office's rule page and the digest all know every kind. A rule
in a domain app names its kind here; `notify` refuses a kind that is not listed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ChannelKind


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    urgent: bool = False
    # Days before a deadline / after which an escalation climbs, where the kind has them ("working
    # days" where the rule says so: see the rule's docstring).
    lead_days: int | None = None
    escalate_days: int | None = None
    # Channels on by default (in-app is always on). SMS is for urgent kinds only unless a person opts in.
    channels: tuple = (
        ChannelKind.EMAIL,
        ChannelKind.DINGTALK_ROBOT,
        ChannelKind.WECOM_ROBOT,
        ChannelKind.WORK_NOTICE,
    )


_ALL = (
    Kind("hazard.assigned", _("隐患交办")),
    Kind("hazard.due_soon", _("隐患整改即将到期"), lead_days=3),
    Kind("hazard.overdue", _("隐患整改逾期")),
    Kind(
        "hazard.escalated",
        _("重大隐患逾期升级"),
        urgent=True,
        escalate_days=3,
        channels=(
            ChannelKind.EMAIL,
            ChannelKind.DINGTALK_ROBOT,
            ChannelKind.WECOM_ROBOT,
            ChannelKind.WORK_NOTICE,
            ChannelKind.SMS,
        ),
    ),
    Kind("hazard.supervised", _("隐患挂牌督办"), urgent=True),
    Kind("hazard.supervision_due", _("督办期限临近或逾期"), lead_days=3),
    Kind("plan.report_due", _("工作任务报送提醒"), lead_days=3),
    Kind("plan.report_late", _("工作任务逾期未报（提示函）")),
    Kind("ranking.commitment_due", _("约谈整改承诺到期"), lead_days=3),
    Kind("ranking.commitment_overdue", _("约谈整改承诺逾期")),
    Kind("ranking.published", _("考核排名发布")),
    Kind("risks.guarantor_overdue", _("包保责任人检查逾期")),
    Kind("risks.head_check_missed", _("主要负责人月度检查未开展")),
    Kind("inspections.assigned", _("检查任务分派")),
    Kind("system.channel_failed", _("通知渠道故障"), urgent=True, channels=(ChannelKind.EMAIL,)),
    Kind("system.test", _("测试消息"), urgent=True, channels=tuple(ChannelKind.values[1:])),
)
KINDS = {kind.code: kind for kind in _ALL}


def kind(code):
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(
            f"unknown notification kind {code!r}: list it in anjian/notifications/kinds.py"
        ) from None
