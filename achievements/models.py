"""晒实绩: the working-day calendar, daily logs, summaries, leave, achievements and exported PDFs."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit, UnitCategory
from core.models import Job, SingletonSettings, YearlySettings

# --- Calendar and rules ------------------------------------------------------------------------


class WorkdayOverride(models.Model):
    """A day the statutory calendar gets wrong or does not know yet (years after 2026).

    Overrides win over the chinesecalendar package; for years the package does not cover the
    calendar falls back to Monday–Friday plus these rows.
    """

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"), help_text=_("勾选表示上班（如调休上班日），不勾选表示放假。"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '放假'}"


NON_NEGATIVE = MinValueValidator(Decimal("0"))


class CalendarYearConfirmation(models.Model):
    """Org staff's word that a year the calendar package does not know has all its holidays and
    调休 days entered. Until then the year runs on Monday–Friday plus overrides, and staff and
    cadres are warned that deadlines in it are provisional."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日录入确认")
        verbose_name_plural = _("节假日录入确认")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class RecordRules(YearlySettings):
    """The numbers of 晒实绩 for a year, optionally for one unit category.

    Lookup order (`for_year`): (year, category) row, then (year, no category) row, then these field defaults.
    """

    # The missing-record deduction rates, which the evaluation settings page edits with its own numbers.
    DEDUCTION_FIELDS = (
        "missing_log_deduction",
        "missing_quarterly_summary_deduction",
        "missing_annual_summary_deduction",
    )

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    unit_category = models.CharField(
        _("单位类别"), max_length=20, choices=UnitCategory.choices, blank=True, help_text=_("留空表示适用于所有类别。")
    )
    # The upper bounds are the longest text each record can hold: a higher minimum could never be met.
    daily_log_min_chars = models.PositiveSmallIntegerField(
        _("工作日志最少字数"), default=15, validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    daily_log_target_chars = models.PositiveSmallIntegerField(
        _("工作日志建议字数"), default=50, validators=[MaxValueValidator(2000)]
    )
    quarterly_summary_min_chars = models.PositiveSmallIntegerField(
        _("季度小结最少字数"), default=100, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    quarterly_summary_target_chars = models.PositiveSmallIntegerField(
        _("季度小结建议字数"), default=200, validators=[MaxValueValidator(10000)]
    )
    annual_summary_min_chars = models.PositiveSmallIntegerField(
        _("年度总结最少字数"), default=200, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    annual_summary_target_chars = models.PositiveSmallIntegerField(
        _("年度总结建议字数"), default=500, validators=[MaxValueValidator(10000)]
    )
    backfill_workdays = models.PositiveSmallIntegerField(
        _("补记期限（工作日）"), default=5, validators=[MinValueValidator(0), MaxValueValidator(30)]
    )
    # Rates are points taken off: a negative one would reward a missing record.
    missing_log_deduction = models.DecimalField(
        _("每缺一篇日志扣分"), max_digits=4, decimal_places=2, default=Decimal("0.10"), validators=[NON_NEGATIVE]
    )
    missing_quarterly_summary_deduction = models.DecimalField(
        _("缺季度小结扣分"), max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=[NON_NEGATIVE]
    )
    missing_annual_summary_deduction = models.DecimalField(
        _("缺年度总结扣分（民主测评）"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[NON_NEGATIVE],
    )
    self_assessment_min_chars = models.PositiveSmallIntegerField(
        _("实绩自评表最少字数"), default=100, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    self_assessment_posting_days = models.PositiveSmallIntegerField(
        _("自评表单位内公示工作日数"),
        help_text=_("审核通过次日起计算，跳过休息日和节假日。"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("实绩记录规则")
        verbose_name_plural = _("实绩记录规则")
        ordering = ["-year", "unit_category"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_category"], name="record_rules_once_per_year_category")
        ]

    def __str__(self) -> str:
        category = UnitCategory(self.unit_category).label if self.unit_category else _("所有类别")
        return f"{self.year} {category}"


# --- Daily records ---------------------------------------------------------------------------


class DailyLog(models.Model):
    # No single-column indexes: (author, day) and (unit, day) below serve every lookup by author or
    # unit, and a log written keeps two indexes fewer up to date.
    author = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="daily_logs", db_index=False
    )
    # The unit the author belonged to when writing: a cadre who moves keeps their logs there.
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField(_("日期"))
    text = models.TextField(_("工作内容"), max_length=2000)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日志")
        verbose_name_plural = _("工作日志")
        ordering = ["-day"]
        # (author, day): a cadre's logs over a range of days, from the index alone for a count (the
        # calendar, the deductions, the computation's count of each member's logs in the quarter).
        constraints = [models.UniqueConstraint(fields=["author", "day"], name="daily_log_once_per_day")]
        indexes = [
            # The unit feed reads a unit's logs over a date range.
            models.Index(fields=["unit", "day"], name="daily_log_unit_day"),
            # The logs written on given days: the computation takes off those on days that are not
            # closed working days (weekends, holidays) from this index alone.
            models.Index(fields=["day", "author"], name="daily_log_day_author"),
        ]

    def __str__(self) -> str:
        return f"{self.author.name} {self.day}"

    @property
    def version(self) -> str:
        """What a form or API client saw: the day and the last save. A save that names another
        version would overwrite text its author never saw (the day is part of it because bulk
        writes give many logs one timestamp)."""
        return f"{self.day.isoformat()}@{self.updated_at.isoformat()}"


class LeaveKind(models.TextChoices):
    LEAVE = "leave", _("请假")
    SECONDED = "seconded", _("借调")
    TRAINING = "training", _("脱产培训")
    OTHER = "other", _("其他")


class LeavePeriod(models.Model):
    """Days a unit leader marked as leave or secondment: never counted as missing logs."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="leave_periods")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=LeaveKind.choices, default=LeaveKind.LEAVE)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("请假/借调")
        verbose_name_plural = _("请假/借调")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="leave_end_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.start}–{self.end}"


class SummaryKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度小结")
    ANNUAL = "annual", _("年度总结")


class Summary(models.Model):
    author = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="summaries")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=SummaryKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    text = models.TextField(_("内容"), max_length=10000)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("小结/总结")
        verbose_name_plural = _("小结/总结")
        ordering = ["-year", "-quarter"]
        constraints = [
            # Two partial constraints rather than one with nulls_distinct=False, which SQLite (the
            # embedded demo) silently drops: one quarterly summary per quarter, one annual per year.
            models.UniqueConstraint(
                fields=["author", "kind", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="summary_once_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["author", "kind", "year"],
                condition=Q(quarter__isnull=True),
                name="summary_once_per_year",
            ),
            models.CheckConstraint(
                condition=Q(kind=SummaryKind.QUARTERLY, quarter__isnull=False)
                | Q(kind=SummaryKind.ANNUAL, quarter__isnull=True),
                name="summary_quarter_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)
        return f"{self.author.name} {self.get_kind_display()} {period}"


# --- Achievements (实绩) -------------------------------------------------------------------------


class AchievementCategory(models.Model):
    name = models.CharField(_("类别名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("实绩类别")
        verbose_name_plural = _("实绩类别")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    DOUBTFUL = "doubtful", _("存疑")


class Achievement(models.Model):
    title = models.CharField(_("实绩名称"), max_length=200)
    date = models.DateField(_("取得日期"))
    category = models.ForeignKey(
        AchievementCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="achievements"
    )
    description = models.TextField(_("具体内容"), max_length=5000)
    created_by = models.ForeignKey(
        Cadre, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="achievements_created"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    verification_status = models.CharField(
        _("核实状态"), max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    verification_note = models.CharField(_("核实意见"), max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("实绩")
        verbose_name_plural = _("实绩")
        ordering = ["-date", "-pk"]
        indexes = [
            # Staff verify by status; archives read by date.
            models.Index(fields=["verification_status", "date"], name="achievement_status_date"),
        ]

    # Set on each row by achievements.selectors.cadre_achievements: the cadre's part in it (not stored).
    my_role: str
    my_share: Decimal | None

    def __str__(self) -> str:
        return self.title


class AchievementFigure(models.Model):
    """A quantitative result: 招商引资 1.2 亿元, 新增就业 350 人."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="figures")
    label = models.CharField(_("指标"), max_length=50)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20)

    class Meta:
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}"


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("主要负责人")
    SUPERVISOR = "supervisor", _("分管领导")
    EXECUTOR = "executor", _("具体承办")
    ASSISTANT = "assistant", _("协助完成")


class AchievementParticipant(models.Model):
    """Who did what in a joint result, and their share, so no result is claimed in full twice."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="participants")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("角色"), max_length=20, choices=ParticipantRole.choices)
    share = models.DecimalField(
        _("贡献占比（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("参与人")
        verbose_name_plural = _("参与人")
        constraints = [
            models.UniqueConstraint(fields=["achievement", "cadre"], name="participant_once_per_achievement"),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=100), name="participant_share_within_100"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_role_display()} {self.share}%"


class AchievementAttachment(models.Model):
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="attachments")
    # Private storage under MEDIA_ROOT, served only through an access-checked download view.
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


# --- Exported PDFs (verifiable dossiers) ------------------------------------------------------


class ExportedDocument(models.Model):
    """Every PDF the product exports: its SHA-256 and a short code the public can verify."""

    code = models.CharField(_("验证码"), max_length=16, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    kind = models.CharField(_("类型"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导出文件登记")
        verbose_name_plural = _("导出文件登记")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# --- Self-assessment (实绩自评表) ------------------------------------------------------------------


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    POSTED = "posted", _("公示中")
    FILED = "filed", _("已归档")


class SelfAssessment(models.Model):
    """The annual 实绩自评表: written by the cadre, approved by the unit's main leader, posted
    inside the unit for a few days (colleagues may object), then filed in the archive."""

    author = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="self_assessments")
    # The unit the form is reviewed and posted in: the author's unit when last submitted.
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    performance = models.TextField(_("主要工作实绩"), max_length=5000)
    shortcomings = models.TextField(_("存在的不足"), max_length=2000, blank=True)
    plans = models.TextField(_("今后努力方向"), max_length=2000, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("公示开始"), null=True, blank=True)
    posting_ends_at = models.DateTimeField(_("公示结束"), null=True, blank=True)
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("实绩自评表")
        verbose_name_plural = _("实绩自评表")
        ordering = ["-year", "author__name"]
        constraints = [models.UniqueConstraint(fields=["author", "year"], name="self_assessment_once_per_year")]
        indexes = [
            # Leaders list what waits for them and colleagues what is posted, by unit and state.
            models.Index(fields=["unit", "state"], name="self_assessment_unit_state"),
            # The filing job looks for postings that have ended.
            models.Index(fields=["state", "posting_ends_at"], name="self_assessment_posting_end"),
        ]

    def __str__(self) -> str:
        return f"{self.author.name} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.state in (AssessmentState.DRAFT, AssessmentState.RETURNED)


class AssessmentAction(models.TextChoices):
    SUBMITTED = "submitted", _("提交审核")
    APPROVED = "approved", _("审核通过并公示")
    RETURNED = "returned", _("退回修改")
    OBJECTION = "objection", _("收到异议")
    FILED = "filed", _("公示期满归档")


class SelfAssessmentEvent(models.Model):
    """The visible history of one form: who moved it on, when, and why."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=AssessmentAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自评表流转记录")
        verbose_name_plural = _("自评表流转记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_action_display()}"


class SelfAssessmentObjection(models.Model):
    """A colleague's objection during the posting. The author sees the text, never the name."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(Cadre, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("异议内容"), max_length=1000)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自评表异议")
        verbose_name_plural = _("自评表异议")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.text[:20]}"


# --- Batch dossier export and reminders ------------------------------------------------------


def year_span(year_from: int, year_to: int, dash: str = "–") -> str:
    """ "2026" for one year, "2024–2026" for a range (a plain hyphen where it becomes a file name)."""
    return str(year_from) if year_from == year_to else f"{year_from}{dash}{year_to}"


class DossierExport(Job):
    """One zip of a whole unit's PDF dossiers, built by a background job (core.jobs) that reports
    progress as cadres done of the unit's total. A succeeded export whose zip passed the retention
    period keeps its row with `expired_at` set and no file."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year_from = models.PositiveSmallIntegerField(_("起始年度"))
    year_to = models.PositiveSmallIntegerField(_("截止年度"))
    # Private storage under MEDIA_ROOT; downloaded only through an access-checked view.
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    # Written as each PDF is added: a running job whose heartbeat stops had its worker killed.
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("过期删除时间"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("档案批量导出")
        verbose_name_plural = _("档案批量导出")

    def __str__(self) -> str:
        return f"{self.unit.name} {self.years}"

    @property
    def years(self) -> str:
        return year_span(self.year_from, self.year_to)


class ReminderSettings(SingletonSettings):
    """When the daily log reminder goes out (a single row; the beat schedule follows it)."""

    enabled = models.BooleanField(_("启用每日提醒"), default=True)
    send_at = models.TimeField(
        _("提醒时间"), default=time(16, 30), help_text=_("每个工作日的这个时间（北京时间）提醒当天尚未写日志的干部。")
    )
    warn_window_closing = models.BooleanField(
        _("提醒补记期限"), default=True, help_text=_("同时提醒补记期限将于下一个工作日结束的缺记日志。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日志提醒设置")
        verbose_name_plural = _("日志提醒设置")
