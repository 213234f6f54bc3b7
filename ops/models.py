"""Background work recorded in the database before it is handed to the broker (the outbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """One Celery task to send. Written in the same transaction as the work that asks for it, so a
    committed request is never lost when the broker is down: the relay sends it when Redis returns."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("待发后台任务")
        verbose_name_plural = _("待发后台任务")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["task", "sent_at"], name="ops_outbox_task_sent")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
