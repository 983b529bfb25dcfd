"""The one interface every outside channel implements, and the helpers the adapters share.

An adapter turns one `Delivery` into one request to its provider and says what came of it as an
`Outcome`; it never raises for a provider's answer or a network fault (the dispatcher still catches
what an adapter lets slip, so one channel's bug cannot stop another's deliveries). It does not touch
the database: the dispatcher records the attempt, the next try and the channel's health.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10


@dataclass
class Outcome:
    ok: bool
    # Worth trying again later (a network fault, a provider's 5xx, a rate limit).
    retry: bool = False
    status_code: int | None = None
    provider_code: str = ""
    message: str = ""
    provider_message_id: str = ""
    rate_limited: bool = False
    # Seconds the provider asked us to wait, where it said.
    retry_after: float | None = None
    # The failure is the recipient's address (a refused mailbox, an invalid number), not the channel:
    # the office's "channel failing" banner stays off for it.
    address_error: bool = False


class Adapter:
    kind = ""

    def send(self, channel, delivery) -> Outcome:
        raise NotImplementedError


def absolute_url(url):
    """The link in a message: site-relative URLs get the site's address in front."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return settings.ANJIAN_SITE_URL + ("" if url.startswith("/") else "/") + url


def truncate_bytes(text, limit, ellipsis="…"):
    """`text` cut to at most `limit` bytes of UTF-8, on a character boundary, ending in `ellipsis`
    when cut (providers count bytes, and a cut in the middle of a character is rejected)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(ellipsis.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


def missing_config(channel, *keys):
    """An Outcome naming the first of `keys` missing from the channel's config, or None."""
    config = (channel.config or {}) if channel is not None else {}
    for key in keys:
        if not config.get(key):
            return Outcome(False, retry=False, message=_("渠道参数缺少 %(key)s") % {"key": key})
    return None


@dataclass
class HttpAnswer:
    status: int
    text: str
    data: object  # the parsed JSON body, or None


def post(url, *, json_body=None, form=None, headers=None):
    """POST JSON or a form to `url`; the answer whatever its status. Network faults raise OSError or
    http.client.HTTPException (callers turn them into a retry with `network_outcome`)."""
    headers = dict(headers or {})
    if json_body is not None:
        payload = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
    else:
        payload = urllib.parse.urlencode(form or {}).encode("utf-8")
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    return HttpAnswer(status, text, data)


NETWORK_ERRORS = (OSError, HTTPException, ValueError)


def network_outcome(error):
    """A retry for a fault on the way (unreachable host, timeout, connection closed, bad URL)."""
    reason = getattr(error, "reason", None) or error
    return Outcome(
        False, retry=True, message=_("连接失败：%(error)s") % {"error": f"{type(error).__name__}: {reason}"}
    )


def http_error_outcome(answer):
    """An Outcome for an HTTP status that is not 2xx: 429 and 5xx are worth a retry, the rest is the
    configuration (wrong address, refused)."""
    message = _("服务商返回 HTTP %(status)s：%(text)s") % {"status": answer.status, "text": answer.text[:300]}
    if answer.status == 429:
        return Outcome(False, retry=True, status_code=429, rate_limited=True, message=message)
    return Outcome(False, retry=answer.status >= 500, status_code=answer.status, message=message)
