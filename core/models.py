"""Shared records: in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notice is about. Each person chooses, per kind, which channels besides the in-app
    list also carry it (email, SMS, 企业微信); org staff set the defaults (the messaging app)."""

    LOG_REMINDER = "log_reminder", _("工作日志提醒")
    ACHIEVEMENT_VERIFIED = "achievement_verified", _("实绩核实结果")
    ASSESSMENT_REVIEW = "assessment_review", _("自评表待审核")
    ASSESSMENT_RESULT = "assessment_result", _("自评表审核与归档")
    ASSESSMENT_POSTING = "assessment_posting", _("单位内自评表公示")
    EVALUATION_SHEETS = "evaluation_sheets", _("测评开始、截止调整与催办")
    EVALUATION_RESULTS = "evaluation_results", _("考核结果公布")
    SELECTION_VOTE = "selection_vote", _("推荐与投票通知")
    RESERVE_REVIEW = "reserve_review", _("后备干部到期复核")
    PROBATION_END = "probation_end", _("任职试用期即将期满")
    REPORT_OVERDUE = "report_overdue", _("举报办理超期")
    GENERAL = "general", _("其他通知")


class Notification(models.Model):
    """An in-app notice shown in the header (reminders, workflow events)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        _("通知类别"), max_length=40, choices=NotificationKind.choices, default=NotificationKind.GENERAL
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Lets a scheduled job send "the same" reminder once, however often it runs.
    dedupe_key = models.CharField(_("去重键"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        # The table keeps the name it had when notifications lived in the cadres app.
        db_table = "cadres_notification"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            # The header counts a user's unread notices on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title
