"""Group robots: DingTalk's custom robot (signed form) and WeCom's group robot, both a webhook that
takes one markdown message. Both allow 20 messages a minute per robot; the dispatcher keeps to that
and merges a burst into one digest message (dispatch.py)."""

import base64
import hashlib
import hmac
import time
import urllib.parse

from django.utils.translation import gettext_lazy as _

from .base import (
    NETWORK_ERRORS,
    Adapter,
    Outcome,
    absolute_url,
    http_error_outcome,
    missing_config,
    network_outcome,
    post,
    truncate_bytes,
)

WECOM_MAX_BYTES = 4096
# DingTalk's markdown text has no documented byte cap as strict as WeCom's; 5000 keeps a digest sane.
DINGTALK_MAX_BYTES = 5000


def markdown_of(delivery):
    lines = [f"#### {delivery.subject}", "", delivery.body]
    link = absolute_url(delivery.url)
    if link:
        lines += ["", f"[{_('查看详情')}]({link})"]
    return "\n".join(lines)


def mentions(delivery):
    return [phone for phone in (delivery.address or "").split(",") if phone.strip()]


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's signature: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def signed_webhook(webhook, secret, timestamp_ms=None):
    if not secret:
        return webhook
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(round(time.time() * 1000))
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


class RobotAdapter(Adapter):
    # errcode → (rate limited, address of the group is wrong) for each provider's known answers.
    rate_limit_codes = ()
    config_codes = {}

    def send(self, channel, delivery):
        missing = missing_config(channel, "webhook")
        if missing:
            return missing
        try:
            answer = post(self.url(channel), json_body=self.payload(delivery))
        except NETWORK_ERRORS as error:
            return network_outcome(error)
        if not 200 <= answer.status < 300:
            return http_error_outcome(answer)
        return self.outcome(answer)

    def url(self, channel):
        return channel.config["webhook"]

    def outcome(self, answer):
        data = answer.data if isinstance(answer.data, dict) else {}
        code = data.get("errcode")
        message = str(data.get("errmsg", "")) or answer.text[:300]
        if code == 0:
            return Outcome(True, status_code=answer.status, provider_code="0", message=message)
        if code is None:
            return Outcome(
                False,
                retry=True,
                status_code=answer.status,
                message=_("无法识别的应答：%(text)s") % {"text": answer.text[:300]},
            )
        provider_code = str(code)
        if code in self.rate_limit_codes:
            return Outcome(
                False, retry=True, rate_limited=True, status_code=answer.status,
                provider_code=provider_code, message=_("发送过快，已限流：%(msg)s") % {"msg": message},
            )  # fmt: skip
        hint = self.config_codes.get(code)
        text = f"{hint}：{message}" if hint else message
        return Outcome(
            False, retry=False, status_code=answer.status, provider_code=provider_code, message=text
        )


class DingTalkRobot(RobotAdapter):
    kind = "dingtalk_robot"
    rate_limit_codes = (130101,)
    config_codes = {
        310000: _("签名、关键词或IP白名单校验失败，请检查机器人安全设置"),
        300001: _("机器人 access_token 无效"),
        400102: _("机器人已停用"),
    }

    def url(self, channel):
        return signed_webhook(channel.config["webhook"], channel.config.get("secret", ""))

    def payload(self, delivery):
        phones = mentions(delivery)
        text = markdown_of(delivery)
        if phones:
            # DingTalk highlights a mention only when "@phone" also appears in the text.
            text += "\n\n" + " ".join(f"@{phone}" for phone in phones)
        return {
            "msgtype": "markdown",
            "markdown": {"title": delivery.subject[:60], "text": truncate_bytes(text, DINGTALK_MAX_BYTES)},
            "at": {"atMobiles": phones, "isAtAll": False},
        }


class WeComRobot(RobotAdapter):
    kind = "wecom_robot"
    rate_limit_codes = (45009,)
    config_codes = {
        93000: _("机器人 webhook 地址无效"),
        40008: _("消息类型无效"),
    }

    def payload(self, delivery):
        return {
            "msgtype": "markdown",
            "markdown": {"content": truncate_bytes(markdown_of(delivery), WECOM_MAX_BYTES)},
        }
