"""Pre-appointment publicity (任前晒实绩, rules.md §6): notices, the gate before publishing, public feedback.

A notice is drafted from the cadre's record and then edited by staff. The data it was built from
is frozen in `Notice.source`, so a later change to the record never silently changes a notice.
Whether a published notice is "in publicity" or "ended" follows from its dates, not a stored flag.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.models import SingletonSettings

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class PublicitySettings(SingletonSettings):
    """Organization-wide publicity settings (a single row, edited by org staff)."""

    min_workdays = models.PositiveSmallIntegerField(
        _("公示期最少工作日"), default=5, validators=[MinValueValidator(5), MaxValueValidator(30)]
    )
    record_years = models.PositiveSmallIntegerField(
        _("公示近几年实绩"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    show_outcome_publicly = models.BooleanField(
        _("公开页面显示任用结果"), default=False, help_text=_("不勾选时，公示结束后公开页面只显示“公示期已结束”。")
    )
    feedback_channels = models.TextField(
        _("默认反映渠道"),
        max_length=1000,
        default="中共××区委组织部干部监督室\n举报电话：0000-12380\n来信地址：××区行政中心组织部（邮编 000000）",
        help_text=_("新建公示时填入的来电、来信、来访方式，可在每份公示中修改。"),
    )
    issuer_name = models.CharField(
        _("落款单位"),
        max_length=100,
        default="中共××区委组织部",
        help_text=_("公示末尾落款的发布机关，如“中共青山区委组织部”。发布时写入公示。"),
    )
    feedback_max_chars = models.PositiveSmallIntegerField(
        _("反映内容最多字数"), default=2000, validators=[MinValueValidator(100), MaxValueValidator(10000)]
    )
    feedback_rate_limit = models.CharField(
        _("反映提交频率限制"),
        max_length=20,
        default="5/h",
        help_text=_("每个来源地址在一段时间内最多提交几次，如 5/h（每小时 5 次）、20/d（每天 20 次）。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公示设置")
        verbose_name_plural = _("公示设置")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    GATE = "gate", _("把关审核中")
    PUBLISHED = "published", _("已发布")
    DECIDED = "decided", _("已作出任用决定")


class Outcome(models.TextChoices):
    APPOINTED = "appointed", _("任用")
    APPOINTED_AFTER_EDUCATION = "educated", _("批评教育后任用")
    NOT_APPOINTED = "not_appointed", _("不予任用")


# The text of a notice: drafted from the record, edited by staff, shown to the public.
NOTICE_TEXT_FIELDS = (
    "title",
    "current_post",
    "proposed_post",
    "basic_info",
    "resume",
    "study_credits",
    "achievements",
    "evaluation_results",
    "feedback_channels",
)


class NoticeQuerySet(models.QuerySet["Notice"]):
    """Where a notice stands in its publicity period follows from its dates and the day asked about."""

    def public(self) -> NoticeQuerySet:
        return self.filter(state__in=[NoticeState.PUBLISHED, NoticeState.DECIDED])

    def in_publicity(self, today: date) -> NoticeQuerySet:
        return self.public().filter(start_date__lte=today, end_date__gte=today)

    def ended(self, today: date) -> NoticeQuerySet:
        return self.public().filter(end_date__lt=today)


class Notice(models.Model):
    """One 任前公示 of one cadre for one proposed post."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="notices")
    state = models.CharField(_("状态"), max_length=20, choices=NoticeState.choices, default=NoticeState.DRAFT)
    title = models.CharField(_("标题"), max_length=200)
    current_post = models.CharField(_("现任职务"), max_length=200)
    proposed_post = models.CharField(_("拟任职务"), max_length=200)
    # Editable sections, drafted from the record. Plain text: templates escape it and keep line breaks.
    basic_info = models.TextField(_("基本情况"), max_length=2000)
    resume = models.TextField(_("简历"), max_length=5000, blank=True)
    study_credits = models.TextField(_("学习教育积分"), max_length=2000, blank=True)
    achievements = models.TextField(_("近三年实绩"), max_length=20000, blank=True)
    evaluation_results = models.TextField(_("考核结果"), max_length=5000, blank=True)
    feedback_channels = models.TextField(_("反映渠道"), max_length=1000)
    # The record as it was when the draft was built (JSON-safe values only).
    source = models.JSONField(_("生成依据"), default=dict, blank=True, editable=False)
    source_built_at = models.DateTimeField(_("依据生成时间"), null=True, blank=True, editable=False)
    start_date = models.DateField(_("公示开始日期"), null=True, blank=True)
    end_date = models.DateField(_("公示结束日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The 落款 as it was when the notice was published: a later change of the setting does not
    # rewrite a notice already issued.
    issued_by = models.CharField(_("落款单位"), max_length=100, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("任用结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("结果说明"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("任前公示")
        verbose_name_plural = _("任前公示")
        ordering = ["-start_date", "-created_at"]
        indexes = [
            # The public index and archive filter published notices by their dates.
            models.Index(fields=["state", "start_date", "end_date"], name="notice_public_dates"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="notice_end_after_start",
            ),
            # A published or decided notice always has its period.
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "gate"])
                | (models.Q(start_date__isnull=False) & models.Q(end_date__isnull=False)),
                name="notice_published_has_dates",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="decided") | ~models.Q(outcome=""),
                name="notice_decided_has_outcome",
            ),
        ]

    # Why the latest write happened, set by the service and kept in the audit trail (get_additional_data).
    _audit_reason: str = ""
    # Set on each row of the staff list by publicity.selectors.with_deadlines (not stored).
    stage: str
    stage_label: str
    not_started: bool
    workdays_left: int | None

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state in (NoticeState.PUBLISHED, NoticeState.DECIDED)

    def is_in_publicity(self, today: date) -> bool:
        return self.is_public and self.start_date <= today <= self.end_date

    def has_ended(self, today: date) -> bool:
        return self.is_public and self.end_date < today

    def get_additional_data(self) -> dict | None:
        """django-auditlog keeps this with the change being saved: the reason given for a transition."""
        reason = getattr(self, "_audit_reason", "")
        return {"reason": reason} if reason else None


class GateCheckKind(models.TextChoices):
    QUOTA = "quota", _("职数审核（凡提必审）")
    DOSSIER = "dossier", _("档案审核（凡提必查）")
    PERSONAL_MATTERS = "personal_matters", _("个人有关事项报告核查（凡提必核）")
    DISCIPLINE = "discipline", _("纪检监察机关意见（凡提必听）")


class GateCheckResult(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class GateCheck(models.Model):
    """The current result of one of the four checks before publishing; its history is in the audit trail."""

    notice = models.ForeignKey(Notice, verbose_name=_("任前公示"), on_delete=models.CASCADE, related_name="gate_checks")
    kind = models.CharField(_("把关事项"), max_length=20, choices=GateCheckKind.choices)
    result = models.CharField(_("结论"), max_length=10, choices=GateCheckResult.choices)
    note = models.CharField(_("说明"), max_length=500)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("把关人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("把关时间"))

    class Meta:
        verbose_name = _("任前把关")
        verbose_name_plural = _("任前把关")
        ordering = ["notice", "kind"]
        constraints = [models.UniqueConstraint(fields=["notice", "kind"], name="gate_check_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.get_kind_display()}: {self.get_result_display()}"


class FeedbackState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    VERIFYING = "verifying", _("核查中")
    SUBSTANTIATED = "substantiated", _("反映属实")
    UNSUBSTANTIATED = "unsubstantiated", _("反映不属实")
    CLOSED = "closed", _("已办结")


def new_receipt_code() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


class TriageItem(models.Model):
    """What the public sends in and staff triage: a notice's feedback here, supervision's reports.

    Triage runs received → verifying → substantiated | unsubstantiated → closed
    (publicity.services.feedback.triage_step); the finding is kept when the item is closed."""

    receipt_code = models.CharField(_("查询码"), max_length=20, unique=True, default=new_receipt_code, editable=False)
    text = models.TextField(_("反映内容"), max_length=10000)
    state = models.CharField(
        _("办理状态"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    # Kept when the item is closed, so "closed" still says what the verification found.
    finding = models.CharField(
        _("核查结论"),
        max_length=20,
        choices=[(FeedbackState.SUBSTANTIATED, _("反映属实")), (FeedbackState.UNSUBSTANTIATED, _("反映不属实"))],
        blank=True,
    )
    public_reply = models.CharField(_("答复（公开查询可见）"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def is_open(self) -> bool:
        return self.state != FeedbackState.CLOSED


class TriageEvent(models.Model):
    """One triage step of an item: who moved it, from what, to what, and why."""

    from_state = models.CharField(_("原状态"), max_length=20, choices=FeedbackState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=FeedbackState.choices)
    note = models.TextField(_("办理意见"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True


class Feedback(TriageItem):
    """A message from the public about a notice. Name and contact are optional."""

    notice = models.ForeignKey(Notice, verbose_name=_("任前公示"), on_delete=models.PROTECT, related_name="feedback")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["notice", "state"], name="feedback_notice_state")]


class FeedbackEvent(TriageEvent):
    feedback = models.ForeignKey(Feedback, verbose_name=_("群众反映"), on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["feedback", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.from_state} → {self.to_state}"
