"""E-mail through Django's configured backend (SMTP when EMAIL_HOST is set: settings.py).

The channel's config may name its own sender (`from`); the server is Django's EMAIL_* settings, so
one SMTP account serves the platform. A 5xx refusal of the recipient is final (the address is wrong);
any other SMTP or network fault is retried.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from .base import Adapter, Outcome, absolute_url


def text_of(delivery):
    link = absolute_url(delivery.url)
    parts = [delivery.body]
    if link:
        parts += ["", _("查看：%(link)s") % {"link": link}]
    parts += ["", "—", _("安监平台（此邮件由系统自动发送）")]
    return "\n".join(parts)


def html_of(delivery):
    link = absolute_url(delivery.url)
    html = f"<h3>{escape(delivery.subject)}</h3>{linebreaks(delivery.body)}"
    if link:
        html += f'<p><a href="{escape(link)}">{escape(_("查看详情"))}</a></p>'
    html += f'<p style="color:#888">{escape(_("安监平台（此邮件由系统自动发送）"))}</p>'
    return html


class EmailAdapter(Adapter):
    kind = "email"

    def send(self, channel, delivery):
        config = (channel.config or {}) if channel is not None else {}
        message_id = make_msgid(domain="anjian")
        message = EmailMultiAlternatives(
            subject=delivery.subject,
            body=text_of(delivery),
            from_email=config.get("from") or settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            headers={"Message-ID": message_id},
            connection=get_connection(fail_silently=False),
        )
        message.attach_alternative(html_of(delivery), "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            return refused(error)
        except smtplib.SMTPResponseException as error:
            return smtp_answer(error)
        except (smtplib.SMTPException, OSError) as error:
            return Outcome(False, retry=True, message=_("邮件服务器连接失败：%(error)s") % {"error": error})
        return Outcome(True, message=_("邮件已交给服务器"), provider_message_id=message_id.strip("<>")[:100])


def _text(value):
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def refused(error):
    code, text = next(iter(error.recipients.values()), (0, b""))
    message = _("收件人被拒绝：%(code)s %(text)s") % {"code": code, "text": _text(text)}
    return Outcome(
        False,
        retry=code < 500,
        status_code=code,
        provider_code=str(code),
        message=message,
        address_error=code >= 500,
    )


def smtp_answer(error):
    # 5xx: permanent (wrong login, sender refused, message rejected); 4xx: the server asks us to retry.
    code = error.smtp_code
    message = _("邮件服务器拒绝：%(code)s %(text)s") % {"code": code, "text": _text(error.smtp_error)}
    return Outcome(False, retry=code < 500, status_code=code, provider_code=str(code), message=message)
