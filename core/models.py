"""Shared records: in-app notifications; the settings shapes every app's settings take."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SingletonSettings(models.Model):
    """Settings kept in one row (pk 1), made with the field defaults the first time it is read."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> Self:
        obj, _created = cls._default_manager.get_or_create(pk=1)
        return obj


class YearlySettings(models.Model):
    """Settings kept per year and, where the subclass has a category field, per unit category.

    A (year, category) pair reads its own row, else the year's row for every category (category
    ""), else an unsaved row of the field defaults. Subclasses declare `year` (and the category
    field named by `category_field`, None for settings kept per year only).
    """

    category_field: ClassVar[str | None] = "unit_category"
    # Fields a new row does not copy from what its year and category read today.
    _not_copied: ClassVar[tuple[str, ...]] = ("id", "year", "updated_at")

    class Meta:
        abstract = True

    @classmethod
    def _rows(cls, year: int, categories: Iterable[str] | None = None) -> dict[str, Self]:
        rows = cls._default_manager.filter(year=year)
        key = cls.category_field
        if key is None:  # one row a year
            row = rows.first()
            return {"": row} if row is not None else {}
        if categories is not None:
            rows = rows.filter(**{f"{key}__in": [*categories, ""]})
        return {getattr(row, key): row for row in rows}

    @classmethod
    def for_year(cls, year: int, category: str | None = None) -> Self:
        """The settings a year (and unit category) reads: see the class for the lookup order."""
        rows = cls._rows(year, [category or ""])
        return rows.get(category or "") or rows.get("") or cls(year=year)

    @classmethod
    def table(cls, year: int, categories: Iterable[str]) -> dict[str, Self]:
        """`for_year` of "" and every one of `categories`, in one query."""
        rows = cls._rows(year)
        default = rows.get("") or cls(year=year)
        return {category: rows.get(category, default) for category in ["", *categories]}

    @classmethod
    def row_to_edit(cls, year: int, category: str | None = None) -> Self:
        """The (year, category) row itself, locked for the transaction; a new one starts from what the
        pair reads today, so saving only some fields never changes the others."""
        key = cls.category_field
        where = {"year": year, **({key: category or ""} if key else {})}
        row = cls._default_manager.select_for_update().filter(**where).first()
        if row is None:
            source = cls.for_year(year, category)
            skip = {*cls._not_copied, *([key] if key else [])}
            copied = {f.attname: getattr(source, f.attname) for f in cls._meta.concrete_fields if f.name not in skip}
            row = cls(**where, **copied)
        return row


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


class JobStatus(models.TextChoices):
    """The one status enum of every background job (core.jobs)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """A background job a page follows: status, progress (done of total, with the step's label),
    start and finish times and a Chinese error. Concrete jobs add what they work on and produce;
    `core.jobs` runs them and reports their progress, `core/_job_status.html` shows them."""

    status = models.CharField(_("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("已完成步数"), default=0)
    progress_total = models.PositiveIntegerField(_("总步数"), default=0)
    progress_label = models.CharField(_("当前步骤"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
