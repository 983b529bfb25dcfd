"""The robot, work-notice and SMS adapters against a real HTTP server on loopback (provider_server)."""

import base64
import hashlib
import hmac
import json

import pytest

from anjian.notifications.channels import adapter_for
from anjian.notifications.channels.base import truncate_bytes
from anjian.notifications.channels.personal import aliyun_signature
from anjian.notifications.models import Channel, ChannelKind, Delivery

from .provider_server import (
    DINGTALK_SIGN_WRONG,
    DINGTALK_TOO_FAST,
    SMS_BAD_NUMBER,
    SMS_LIMIT,
    SMS_OK,
    WECOM_BAD_WEBHOOK,
    WECOM_TOO_FAST,
    Close,
    ProviderServer,
    Reply,
)

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def provider():
    with ProviderServer() as server:
        yield server


def delivery(kind, address="13800000001", body="泽国镇某企业重大隐患逾期 3 天", url="/hazards/7/", pk=41):
    # Unsaved rows: the adapters read fields only and never touch the database.
    return Delivery(
        pk=pk,
        channel=Channel(kind=kind),
        address=address,
        subject="重大隐患逾期升级",
        body=body,
        url=url,
    )


def channel(kind, **config):
    return Channel(code="c", name="c", kind=kind, config=config)


def send(kind, config, item):
    return adapter_for(kind).send(channel(kind, **config), item)


def test_dingtalk_signs_the_webhook_and_mentions_by_phone(provider, settings):
    settings.ANJIAN_SITE_URL = "https://aj.example.gov.cn"
    outcome = send(
        ChannelKind.DINGTALK_ROBOT,
        {"webhook": provider.url("/robot/send?access_token=tok"), "secret": SECRET},
        delivery(ChannelKind.DINGTALK_ROBOT),
    )
    assert outcome.ok and outcome.provider_code == "0"
    (request,) = provider.requests
    assert request.path == "/robot/send" and request.query["access_token"] == "tok"
    # The server recomputes the signature from the timestamp it received (parse_qs has URL-decoded it).
    timestamp = request.query["timestamp"]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request.query["sign"] == expected
    assert request.json["msgtype"] == "markdown"
    assert request.json["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}
    text = request.json["markdown"]["text"]
    assert "泽国镇某企业重大隐患逾期" in text and "https://aj.example.gov.cn/hazards/7/" in text
    assert "@13800000001" in text


def test_dingtalk_without_secret_posts_the_webhook_as_given(provider):
    send(ChannelKind.DINGTALK_ROBOT, {"webhook": provider.url("/robot/send?access_token=t")}, delivery("x"))
    assert set(provider.requests[0].query) == {"access_token"}


@pytest.mark.parametrize(
    ("answer", "ok", "retry", "rate_limited", "code", "words"),
    [
        (Reply(200, DINGTALK_TOO_FAST), False, True, True, "130101", "限流"),
        (Reply(200, DINGTALK_SIGN_WRONG), False, False, False, "310000", "签名"),
        (Reply(500, "upstream down"), False, True, False, "", "HTTP 500"),
        (Close(), False, True, False, "", "连接失败"),
    ],
)
def test_dingtalk_answers(provider, answer, ok, retry, rate_limited, code, words):
    provider.answer(answer)
    outcome = send(
        ChannelKind.DINGTALK_ROBOT, {"webhook": provider.url("/robot/send?access_token=t")}, delivery("x")
    )
    assert (outcome.ok, outcome.retry, outcome.rate_limited) == (ok, retry, rate_limited)
    assert outcome.provider_code == code
    assert words in outcome.message


def test_unreachable_webhook_is_a_retry_with_the_reason(provider):
    url = provider.url("/robot/send")
    provider.__exit__()  # nothing listens on that port any more
    outcome = send(ChannelKind.DINGTALK_ROBOT, {"webhook": url}, delivery("x"))
    assert not outcome.ok and outcome.retry and "连接失败" in outcome.message


def test_missing_webhook_is_a_clear_configuration_error():
    outcome = send(ChannelKind.WECOM_ROBOT, {}, delivery("x"))
    assert not outcome.ok and not outcome.retry and "webhook" in outcome.message


def test_wecom_markdown_is_cut_to_4096_bytes_on_a_character_boundary(provider):
    body = "隐" * 3000  # 9000 bytes of UTF-8
    outcome = send(
        ChannelKind.WECOM_ROBOT,
        {"webhook": provider.url("/cgi-bin/webhook/send?key=k")},
        delivery("x", body=body),
    )
    assert outcome.ok
    content = provider.requests[0].json["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("…")
    assert provider.requests[0].json["msgtype"] == "markdown"


@pytest.mark.parametrize(
    ("answer", "retry", "rate_limited"),
    [(WECOM_TOO_FAST, True, True), (WECOM_BAD_WEBHOOK, False, False)],
)
def test_wecom_answers(provider, answer, retry, rate_limited):
    provider.answer(Reply(200, answer))
    outcome = send(ChannelKind.WECOM_ROBOT, {"webhook": provider.url("/send?key=k")}, delivery("x"))
    assert (outcome.ok, outcome.retry, outcome.rate_limited) == (False, retry, rate_limited)
    assert outcome.provider_code == str(answer["errcode"])


def test_truncate_bytes_keeps_short_text_and_never_splits_a_character():
    assert truncate_bytes("短", 10) == "短"
    cut = truncate_bytes("安全生产" * 10, 10)
    assert cut.encode("utf-8").__len__() <= 10 and cut.endswith("…")


def test_work_notice_carries_a_stable_biz_msg_id_and_the_gateway_signature(provider):
    config = {
        "endpoint": provider.url("/message/workNotification"),
        "app_key": "ak",
        "app_secret": "s3",
        "tenant_id": "196729",
    }
    provider.answer(Reply(200, {"success": True, "content": {"success": True, "data": "task-88"}}))
    item = delivery(ChannelKind.WORK_NOTICE, address="zzd-user-9", body="长" * 1500)
    outcome = send(ChannelKind.WORK_NOTICE, config, item)
    assert outcome.ok and outcome.provider_message_id == "task-88"
    form = provider.requests[0].form
    assert form["receiverIds"] == "zzd-user-9" and form["tenantId"] == "196729"
    assert form["bizMsgId"] == "anjian-delivery-41"
    content = json.loads(form["msg"])["text"]["content"]
    assert len(content.encode("utf-8")) <= 2048
    headers = provider.requests[0].headers
    params = "&".join(f"{k}={form[k]}" for k in sorted(form))
    to_sign = f"POST\n{headers['X-Hmac-Auth-Timestamp']}\n{headers['X-Hmac-Auth-Nonce']}\n/message/workNotification\n{params}"
    expected = base64.b64encode(hmac.new(b"s3", to_sign.encode(), hashlib.sha256).digest()).decode()
    assert headers["apiKey"] == "ak" and headers["X-Hmac-Auth-Signature"] == expected


def test_work_notice_refusal_is_a_failure_with_the_providers_words(provider):
    config = {"endpoint": provider.url("/message/workNotification"), "app_key": "ak", "app_secret": "s3"}
    provider.answer(Reply(200, {"success": False, "errorCode": "15", "errorMsg": "应用无权限"}))
    outcome = send(ChannelKind.WORK_NOTICE, config, delivery(ChannelKind.WORK_NOTICE, address="u1"))
    assert not outcome.ok and not outcome.retry and "应用无权限" in outcome.message


SMS_CONFIG = {
    "access_key_id": "LTAI-test",
    "access_key_secret": "secret-1",
    "sign_name": "安监平台",
    "template_code": "SMS_000001",
}


def test_sms_posts_the_signed_aliyun_form(provider):
    provider.answer(Reply(200, SMS_OK))
    outcome = send(ChannelKind.SMS, {**SMS_CONFIG, "endpoint": provider.url("/")}, delivery(ChannelKind.SMS))
    assert outcome.ok and outcome.provider_message_id == SMS_OK["BizId"]
    form = dict(provider.requests[0].form)
    assert form["PhoneNumbers"] == "13800000001" and form["SignName"] == "安监平台"
    assert form["TemplateCode"] == "SMS_000001" and form["Action"] == "SendSms"
    assert json.loads(form["TemplateParam"])["content"].startswith("泽国镇某企业")
    signature = form.pop("Signature")
    assert signature == aliyun_signature("secret-1", form)


def test_aliyun_signature_matches_the_documented_example():
    # The worked example of Aliyun's RPC signature guide (a GET of DescribeRegions, key "testsecret").
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
              "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}  # fmt: skip
    assert aliyun_signature("testsecret", params, method="GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


@pytest.mark.parametrize(
    ("answer", "retry", "rate_limited", "address_error"),
    [(SMS_LIMIT, True, True, False), (SMS_BAD_NUMBER, False, False, True)],
)
def test_sms_answers(provider, answer, retry, rate_limited, address_error):
    provider.answer(Reply(200, answer))
    outcome = send(ChannelKind.SMS, {**SMS_CONFIG, "endpoint": provider.url("/")}, delivery(ChannelKind.SMS))
    assert (outcome.ok, outcome.retry, outcome.rate_limited, outcome.address_error) == (
        False,
        retry,
        rate_limited,
        address_error,
    )
    assert outcome.provider_code == answer["Code"]
