"""`anjian notify test USERNAME`: send a test message to a person through every channel configured
for them, at once, and print what became of it on each channel, e.g.

    站内消息：已写入收件箱
    电子邮件 (smtp → zhang@example.org)：已发送
    钉钉群机器人 (zeguo-robot)：发送失败：签名、关键词或IP白名单校验失败……
    短信：未配置：该用户没有手机号

Exits 1 with a message when there is no such user.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.context import acting_as, system_actor
from anjian.notifications import dispatch, kinds
from anjian.notifications.models import PERSONAL_CHANNELS, ROBOT_CHANNELS, ChannelKind, Delivery
from anjian.notifications.services import Audience, notify


class Command(BaseCommand):
    help = "Send a test notification to a user through every channel configured for them."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="test")
        test = actions.add_parser("test", help="send a test message to USERNAME on every channel")
        test.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("没有用户名为 %(name)s 的用户") % {"name": username})
        if not user.is_active:
            raise CommandError(_("用户 %(name)s 已停用，收不到消息") % {"name": username})
        now = timezone.now()
        with acting_as(system_actor("notify-test")), transaction.atomic():
            (note,) = notify(
                [user],
                kind="system.test",
                text=_("这是一条测试消息，发送于 %(at)s。收到即说明该渠道可用。")
                % {"at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
                url=reverse("notifications:inbox"),
                urgent=True,
                now=now,
            )
        ids = list(note.deliveries.values_list("pk", flat=True))
        dispatch.send_due(only=ids)
        for line in report_lines(user, note):
            self.stdout.write(line)


def report_lines(user, note):
    lines = [f"{ChannelKind.IN_APP.label}：{_('已写入收件箱')}"]
    deliveries = {d.channel.kind: d for d in note.deliveries.select_related("channel")}
    robots = [d for d in note.deliveries.select_related("channel") if d.channel.kind in ROBOT_CHANNELS]
    audience = Audience([user])
    for channel_kind in PERSONAL_CHANNELS:
        delivery = deliveries.get(channel_kind)
        if delivery is not None:
            lines.append(outcome_line(delivery))
        else:
            lines.append(f"{channel_kind.label}：{_('未配置')}：{why_not(audience, user, channel_kind)}")
    for delivery in robots:
        lines.append(outcome_line(delivery))
    if not robots:
        lines.append(f"{_('群机器人')}：{_('未配置')}：{why_no_robot(audience, user)}")
    return lines


def outcome_line(delivery):
    delivery.refresh_from_db()
    where = f"{delivery.channel.get_kind_display()} ({delivery.channel.code}"
    where += f" → {delivery.address})" if delivery.address else ")"
    if delivery.state == Delivery.State.SENT:
        return f"{where}：{_('已发送')}"
    if delivery.state == Delivery.State.SENDING:
        return f"{where}：{_('发送中（后台进程正在发送）')}"
    state = delivery.get_state_display()
    return f"{where}：{state}：{delivery.last_error}" if delivery.last_error else f"{where}：{state}"


def why_not(audience, user, channel_kind):
    if audience.personal.get(channel_kind) is None:
        return _("没有启用的%(kind)s渠道") % {"kind": channel_kind.label}
    if not audience.address(user, channel_kind):
        return {
            ChannelKind.EMAIL: _("该用户没有电子邮箱"),
            ChannelKind.SMS: _("该用户没有手机号"),
            ChannelKind.WORK_NOTICE: _("该用户没有浙政钉/钉钉用户ID（通知设置）"),
        }[channel_kind]
    if not audience.wants(user, kinds.kind("system.test"), channel_kind):
        return _("该用户在通知设置中关闭了此渠道")
    return _("未生成投递")


def why_no_robot(audience, user):
    person = audience.people.get(user.pk)
    if person is None or person.unit_id is None:
        return _("该用户不属于任何单位")
    return _("单位“%(unit)s”没有启用的群机器人") % {"unit": person.unit}
