"""Messages to one person's own account: 浙政钉/DingTalk work notices and SMS (Aliyun's SendSms API)."""

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse
import uuid

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

WORK_NOTICE_MAX_BYTES = 2048


def biz_msg_id(delivery):
    """The same id on every try of one delivery, so the provider drops a retry it already delivered."""
    return f"anjian-delivery-{delivery.pk}"


def gateway_headers(app_key, app_secret, path, form, now=None):
    """The 浙政钉 open-platform gateway's HMAC headers: HMAC-SHA256, keyed by the app secret, over
    "POST\\n<timestamp>\\n<nonce>\\n<path>\\n<sorted form>", base64."""
    now = now or datetime.datetime.now(datetime.UTC).astimezone()
    timestamp = now.isoformat(timespec="milliseconds")
    nonce = f"{int(now.timestamp() * 1000)}{uuid.uuid4().hex[:4]}"
    params = "&".join(f"{key}={form[key]}" for key in sorted(form))
    to_sign = f"POST\n{timestamp}\n{nonce}\n{path}\n{params}"
    signature = base64.b64encode(hmac.new(app_secret.encode(), to_sign.encode(), hashlib.sha256).digest())
    return {
        "apiKey": app_key,
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-Nonce": nonce,
        "X-Hmac-Auth-Signature": signature.decode("ascii"),
    }


class WorkNotice(Adapter):
    kind = "work_notice"

    def send(self, channel, delivery):
        missing = missing_config(channel, "endpoint", "app_key", "app_secret")
        if missing:
            return missing
        config = channel.config
        text = f"{delivery.subject}\n{delivery.body}"
        link = absolute_url(delivery.url)
        if link:
            text += f"\n{link}"
        msg = {"msgtype": "text", "text": {"content": truncate_bytes(text, WORK_NOTICE_MAX_BYTES)}}
        form = {
            "receiverIds": delivery.address,
            "bizMsgId": biz_msg_id(delivery),
            "msg": json.dumps(msg, ensure_ascii=False),
        }
        if config.get("tenant_id"):
            form["tenantId"] = str(config["tenant_id"])
        path = urllib.parse.urlsplit(config["endpoint"]).path or "/"
        headers = gateway_headers(config["app_key"], config["app_secret"], path, form)
        try:
            answer = post(config["endpoint"], form=form, headers=headers)
        except NETWORK_ERRORS as error:
            return network_outcome(error)
        if not 200 <= answer.status < 300:
            return http_error_outcome(answer)
        return work_notice_outcome(answer)


def work_notice_outcome(answer):
    # 浙政钉 answers {"success": true, "content": {"success": true, "data": …}}; DingTalk {"errcode": 0}.
    data = answer.data if isinstance(answer.data, dict) else {}
    content = data.get("content") if isinstance(data.get("content"), dict) else {}
    ok = data.get("errcode") == 0 or (
        data.get("success") is True and content.get("success", True) is not False
    )
    code = str(data.get("errcode", content.get("responseCode", data.get("errorCode", ""))))
    message = str(
        data.get("errmsg") or content.get("responseMessage") or data.get("errorMsg") or answer.text[:300]
    )
    if ok:
        message_id = str(content.get("data") or data.get("task_id") or "")[:100]
        return Outcome(
            True,
            status_code=answer.status,
            provider_code=code,
            message=message,
            provider_message_id=message_id,
        )
    return Outcome(False, retry=False, status_code=answer.status, provider_code=code, message=message)


# ---- SMS ---------------------------------------------------------------------------------------

SMS_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
SMS_RATE_LIMITED = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "isp.RAM_PERMISSION_DENY_THROTTLING"}
SMS_BAD_NUMBER = {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"}
SMS_PARAM_MAX_CHARS = 35  # Aliyun's cap on one template variable


def percent_encode(value):
    return urllib.parse.quote(str(value), safe="~")


def aliyun_signature(secret, params, method="POST"):
    """Aliyun RPC signature v1: HMAC-SHA1 keyed by "secret&" over "POST&%2F&" + the encoded query."""
    query = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class Sms(Adapter):
    kind = "sms"

    def send(self, channel, delivery):
        missing = missing_config(channel, "access_key_id", "access_key_secret", "sign_name", "template_code")
        if missing:
            return missing
        form = self.form(channel.config, delivery)
        try:
            answer = post(channel.config.get("endpoint") or SMS_ENDPOINT, form=form)
        except NETWORK_ERRORS as error:
            return network_outcome(error)
        if answer.status >= 500 or answer.status == 429:
            return http_error_outcome(answer)
        return sms_outcome(answer)

    def form(self, config, delivery):
        now = datetime.datetime.now(datetime.UTC)
        param = config.get("param_name") or "content"
        params = {
            "AccessKeyId": config["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": config.get("region_id") or "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": delivery.address,
            "SignName": config["sign_name"],
            "TemplateCode": config["template_code"],
            "TemplateParam": json.dumps({param: delivery.body[:SMS_PARAM_MAX_CHARS]}, ensure_ascii=False),
            "OutId": biz_msg_id(delivery),
        }
        params["Signature"] = aliyun_signature(config["access_key_secret"], params)
        return params


def sms_outcome(answer):
    data = answer.data if isinstance(answer.data, dict) else {}
    code = str(data.get("Code", ""))
    message = str(data.get("Message") or answer.text[:300])
    if code == "OK":
        return Outcome(
            True,
            status_code=answer.status,
            provider_code=code,
            message=message,
            provider_message_id=str(data.get("BizId", ""))[:100],
        )
    if code in SMS_RATE_LIMITED:
        return Outcome(
            False, retry=True, rate_limited=True, status_code=answer.status, provider_code=code,
            message=_("短信服务商限流（频率或当日上限）：%(msg)s") % {"msg": message},
        )  # fmt: skip
    if code in SMS_BAD_NUMBER:
        return Outcome(
            False, retry=False, address_error=True, status_code=answer.status, provider_code=code,
            message=_("手机号码无效：%(msg)s") % {"msg": message},
        )  # fmt: skip
    return Outcome(
        False,
        retry=False,
        status_code=answer.status,
        provider_code=code or str(answer.status),
        message=message,
    )
