"""E-mail through a real SMTP server on loopback (aiosmtpd): the message arrives with its subject,
text and link; a refused recipient fails with the server's words in the delivery log."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from anjian.notifications import dispatch
from anjian.notifications.models import ChannelKind, Delivery, DeliveryAttempt
from anjian.notifications.services import notify

from .provider_server import make_channel, make_person


class Mailbox:
    """The SMTP server's handler: keeps what it accepts, refuses mailboxes named refused@…"""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        if address.startswith("refused@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 Message accepted"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.ANJIAN_SITE_URL = "https://aj.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "anjian@aj.example.gov.cn"
    try:
        yield mailbox
    finally:
        controller.stop()


def tell(user, text="泽国精工机械有限公司重大隐患已逾期 3 天"):
    return notify([user], kind="hazard.escalated", text=text, url="/hazards/12/")


@pytest.mark.django_db
def test_the_message_arrives_with_subject_text_and_link(smtp):
    make_channel(ChannelKind.EMAIL, code="smtp")
    user = make_person("zhang", email="zhang@example.org")
    tell(user)
    assert dispatch.send_due() == 1
    ((to, message),) = smtp.messages
    assert to == ["zhang@example.org"]
    assert message["Subject"] == "重大隐患逾期升级"
    assert message["From"] == "anjian@aj.example.gov.cn"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "泽国精工机械有限公司重大隐患已逾期 3 天" in text
    assert "https://aj.example.gov.cn/hazards/12/" in text
    assert 'href="https://aj.example.gov.cn/hazards/12/"' in html
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 1
    assert message["Message-ID"].strip("<>") == delivery.provider_message_id
    attempt = DeliveryAttempt.objects.get()
    assert attempt.ok and attempt.delivery == delivery


@pytest.mark.django_db
def test_a_refused_recipient_fails_with_the_servers_message(smtp):
    channel = make_channel(ChannelKind.EMAIL, code="smtp")
    user = make_person("wrong", email="refused@example.org")
    (note,) = tell(user)
    dispatch.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 1
    attempt = DeliveryAttempt.objects.get()
    assert not attempt.ok and attempt.status_code == 550
    assert "Recipient address rejected: User unknown" in attempt.message
    assert smtp.messages == []
    # A wrong address is the person's, not the channel's: no banner; the inbox entry stands.
    channel.refresh_from_db()
    assert not channel.failing
    assert note.recipient.notifications.count() == 1


@pytest.mark.django_db
def test_an_unreachable_smtp_server_is_retried_and_marks_the_channel(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    channel = make_channel(ChannelKind.EMAIL, code="smtp")
    tell(make_person("li", email="li@example.org"))
    dispatch.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRY and delivery.next_attempt_at > delivery.created_at
    channel.refresh_from_db()
    assert channel.failing and "邮件服务器连接失败" in channel.last_error
