"""The outbox: what the platform tells whom, and how each message left (docs/adr/0007-notifications.md).

- `Notification` is one message to one person. It is created in the same transaction as the event that
  causes it and is the in-app inbox entry; it is never lost, whatever happens to its deliveries.
- `Delivery` is that message on one outside channel (e-mail, a group robot, a work notice, SMS): state,
  attempts, the next try. `DeliveryAttempt` logs every try with the provider's answer, for the office.
- `Channel` is a configured way out (an SMTP sender, a DingTalk robot of one unit's group, an SMS
  account), with its limits and its last error (the banner for the office).
- `NotificationSettings` and `Preference` are each person's choices: quiet hours, digest, channels by
  kind.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    DINGTALK_ROBOT = "dingtalk_robot", _("钉钉群机器人")
    WECOM_ROBOT = "wecom_robot", _("企业微信群机器人")
    WORK_NOTICE = "work_notice", _("浙政钉/钉钉工作通知")
    SMS = "sms", _("短信")


# The channels a person reaches through an address of their own (the robots post into a unit's group).
PERSONAL_CHANNELS = (ChannelKind.EMAIL, ChannelKind.WORK_NOTICE, ChannelKind.SMS)
ROBOT_CHANNELS = (ChannelKind.DINGTALK_ROBOT, ChannelKind.WECOM_ROBOT)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=50)
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    urgent = models.BooleanField(_("紧急"), default=False)
    # Rules give each message a key (e.g. "hazard:12:overdue:2026-12-04"); the unique constraint is what
    # makes two schedulers, or a retried job, tell a person once.
    dedup_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Non-urgent messages for a person who takes the daily digest wait here until it is sent.
    digest_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digest_pending=True),
                name="notification_digest",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def read(self):
        return self.read_at is not None


class Channel(models.Model):
    """A configured way out. A robot channel posts into one unit's group (its members' messages go
    there, @-mentioning them by phone); the other kinds reach each person at their own address."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("渠道"), max_length=20, choices=ChannelKind.choices)
    enabled = models.BooleanField(_("启用"), default=True)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, help_text=_("群机器人所在单位的工作群")
    )
    # Endpoint, secret, app key, sign name, template code …: what the kind's adapter needs.
    config = models.JSONField(_("参数"), default=dict, blank=True)
    per_minute = models.PositiveIntegerField(_("每分钟上限"), null=True, blank=True)
    per_address_per_day = models.PositiveIntegerField(_("每个号码每日上限"), null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self):
        return self.name

    @property
    def failing(self):
        return bool(self.last_error_at and (not self.last_ok_at or self.last_error_at > self.last_ok_at))


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        RETRY = "retry", _("待重试")
        FAILED = "failed", _("发送失败")
        MERGED = "merged", _("已并入汇总")

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # A digest delivery carries many notifications; it has no single one.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    is_digest = models.BooleanField(default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    provider_message_id = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"))
    ok = models.BooleanField(_("成功"))
    status_code = models.IntegerField(null=True, blank=True)
    provider_code = models.CharField(_("服务商代码"), max_length=50, blank=True)
    message = models.TextField(_("说明"), blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")


class SendCounter(models.Model):
    """Messages sent in one window (a channel's minute, or an address's day), counted by conditional
    updates so two workers never pass a provider's limit together."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    address = models.CharField(max_length=200, blank=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "window_start"], name="send_counter_window")
        ]


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_settings"
    )
    # Non-urgent messages outside the inbox wait for the morning digest (one a day) when this is on.
    digest = models.BooleanField(_("非紧急消息每日汇总一次"), default=True)
    digest_hour = models.PositiveSmallIntegerField(_("汇总发送时间（时）"), default=8)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    # The day the last digest went out: claimed by a conditional update, so a person gets one a day.
    last_digest_on = models.DateField(null=True, blank=True)
    work_notice_id = models.CharField(
        _("浙政钉/钉钉用户ID"), max_length=100, blank=True, help_text=_("工作通知发往此账号")
    )

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")


class Preference(models.Model):
    """One person's choice for one kind on one channel; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    kind = models.CharField(max_length=50)
    channel = models.CharField(max_length=20, choices=ChannelKind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_once")]


class Rule(models.Model):
    """The office's setting for one kind of message: on or off, and its numbers (days before a deadline,
    days before an escalation goes one level up). No row means the defaults in `kinds.KINDS`."""

    kind = models.CharField(max_length=50, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    lead_days = models.PositiveSmallIntegerField(_("提前天数"), null=True, blank=True)
    escalate_days = models.PositiveSmallIntegerField(_("升级天数"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
