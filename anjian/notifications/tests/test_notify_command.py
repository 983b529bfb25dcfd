"""`anjian notify test USERNAME`: a test message on every channel configured for the person, sent at
once, with each channel's outcome printed."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from anjian.notifications.management.commands.notify import Command
from anjian.notifications.models import ChannelKind, Delivery, Notification

from .provider_server import DINGTALK_SIGN_WRONG, ProviderServer, Reply, make_channel, make_person, make_unit

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("notify", "test", *args, stdout=out)
    return out.getvalue()


def test_every_configured_channel_gets_the_test_and_reports(settings):
    with ProviderServer(default=Reply(200, DINGTALK_SIGN_WRONG)) as provider:
        unit = make_unit()
        make_channel(ChannelKind.EMAIL, code="smtp")
        make_channel(
            ChannelKind.DINGTALK_ROBOT,
            unit=unit,
            code="zeguo-robot",
            webhook=provider.url("/robot/send?access_token=t"),
        )
        user = make_person("zhang", email="zhang@example.org", unit=unit)
        output = run("zhang")
    lines = output.splitlines()
    assert lines[0] == "站内消息：已写入收件箱"
    assert "电子邮件 (smtp → zhang@example.org)：已发送" in lines
    robot = next(line for line in lines if "zeguo-robot" in line)
    assert "发送失败" in robot and "签名" in robot
    assert "短信：未配置：没有启用的短信渠道" in lines
    assert "浙政钉/钉钉工作通知：未配置：没有启用的浙政钉/钉钉工作通知渠道" in lines
    assert len(mail.outbox) == 1 and "测试消息" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=user).kind == "system.test"
    assert len(provider.requests) == 1


def test_missing_addresses_are_named():
    make_channel(ChannelKind.EMAIL, code="smtp")
    make_channel(
        ChannelKind.SMS,
        code="sms",
        access_key_id="a",
        access_key_secret="b",
        sign_name="c",
        template_code="d",
    )
    make_person("wang")
    output = run("wang")
    assert "电子邮件：未配置：该用户没有电子邮箱" in output
    assert "短信：未配置：该用户没有手机号" in output
    assert "群机器人：未配置：该用户不属于任何单位" in output
    assert not Delivery.objects.exists()
    assert Notification.objects.filter(recipient__username="wang").count() == 1  # in-app still


def test_an_unknown_user_exits_1_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["anjian", "notify", "test", "nobody"])
    assert exit_info.value.code == 1
    assert "没有用户名为 nobody 的用户" in capsys.readouterr().err
