"""Channels besides the in-app list: who wants what, where to reach them, and what was sent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Notification, NotificationKind


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信/政务微信")


mobile_validator = RegexValidator(r"^1\d{10}$", _("请填写 11 位手机号码，例如 13800138000。"))
wecom_userid_validator = RegexValidator(
    r"^[A-Za-z0-9_.@-]{1,64}$", _("企业微信账号只能由字母、数字和 _ . @ - 组成，最长 64 位。")
)


class Contact(models.Model):
    """Where a person is reached besides the in-app list (the email address is the account's own)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="contact"
    )
    mobile = models.CharField(
        _("手机号码"),
        max_length=11,
        blank=True,
        validators=[mobile_validator],
        help_text=_("接收短信通知。留空时使用干部档案中的联系电话（须为手机号码）。"),
    )
    wecom_userid = models.CharField(
        _("企业微信账号"),
        max_length=64,
        blank=True,
        validators=[wecom_userid_validator],
        help_text=_("企业微信/政务微信通讯录中的账号（UserID），由考核办在系统管理中填写。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return str(self.user)


class ChannelDefault(models.Model):
    """Org staff's default for one kind of notice: which channels carry it for whoever chose nothing."""

    kind = models.CharField(_("通知类别"), max_length=40, choices=NotificationKind.choices, unique=True)
    email = models.BooleanField(_("邮件"), default=False)
    sms = models.BooleanField(_("短信"), default=False)
    wecom = models.BooleanField(_("企业微信/政务微信"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知渠道默认设置")
        verbose_name_plural = _("通知渠道默认设置")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(NotificationKind(self.kind).label)


class ChannelPreference(models.Model):
    """One person's choice for one kind; None on a channel follows the organization's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="channel_preferences",
    )
    kind = models.CharField(_("通知类别"), max_length=40, choices=NotificationKind.choices)
    email = models.BooleanField(_("邮件"), null=True, blank=True)
    sms = models.BooleanField(_("短信"), null=True, blank=True)
    wecom = models.BooleanField(_("企业微信/政务微信"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人通知方式")
        verbose_name_plural = _("个人通知方式")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="channel_preference_once")]

    def __str__(self) -> str:
        return f"{self.user} · {NotificationKind(self.kind).label}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RETRYING = "retrying", _("等待重试")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    NO_ADDRESS = "no_address", _("缺少联系方式")


class Delivery(models.Model):
    """One notice on one channel: the delivery log org staff read."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("发送地址"), max_length=254, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A notice goes once per channel, however often it is queued (the relay, a sweep).
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["-created_at"], name="delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or self.user}"
