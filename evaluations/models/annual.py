"""Annual results (用实绩)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, RankLevel, Unit, UnitCategory, UnitRole

from .base import FIRST_YEAR, LAST_YEAR, half_up
from .opened import ProblemItem
from .periods import Period


class DemocraticSummary(models.Model):
    """A ratee's 德能勤绩廉 totals from an annual democratic evaluation (aggregates only)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="democratic_summaries")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    rater_count = models.PositiveIntegerField()
    virtue_sum = models.PositiveIntegerField()
    ability_sum = models.PositiveIntegerField()
    diligence_sum = models.PositiveIntegerField()
    performance_sum = models.PositiveIntegerField()
    integrity_sum = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("民主测评汇总")
        verbose_name_plural = _("民主测评汇总")
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="democratic_summary_once")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.cadre_id}"

    def dimension_average(self, dimension: str) -> Decimal | None:
        if not self.rater_count:
            return None
        return half_up(Decimal(getattr(self, f"{dimension}_sum")) / Decimal(self.rater_count))


class ProblemCount(models.Model):
    """How many sheets ticked a 反测评 item for a ratee, or for a unit's leadership team."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="problem_counts")
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("反测评项目"), max_length=20, choices=ProblemItem.choices)
    count = models.PositiveIntegerField(_("票数"))
    # The number of sheets the count is out of: it decides whether the count may be shown.
    sheet_count = models.PositiveIntegerField(_("测评表数"))

    class Meta:
        verbose_name = _("反测评统计")
        verbose_name_plural = _("反测评统计")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadre__isnull=True) ^ Q(unit__isnull=True), name="problem_count_cadre_or_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.count}"


class UnitAnnualScore(models.Model):
    """U: the unit's own annual assessment score, entered or imported by org staff."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="annual_scores")
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    score = models.DecimalField(
        _("单位年度考核得分"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位年度考核得分")
        verbose_name_plural = _("单位年度考核得分")
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_annual_score_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.score}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class AnnualResultQuerySet(models.QuerySet["AnnualResult"]):
    def published(self) -> AnnualResultQuerySet:
        """The results org staff have published: all that anyone but org staff, and any other app, may read."""
        return self.filter(is_published=True)


class AnnualResult(models.Model):
    """A cadre's result for a year: A = w_D·D + w_U·U + w_Q·Q̄, ranks, and the grade.

    Unit, role and rank are the cadre's at the year's evaluation (a snapshot), so later moves
    never change past results.
    """

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="annual_results")
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    unit_category = models.CharField(_("单位类别"), max_length=20, choices=UnitCategory.choices)
    role = models.CharField(_("班子角色"), max_length=20, choices=UnitRole.choices)
    rank = models.ForeignKey(RankLevel, verbose_name=_("职级"), on_delete=models.PROTECT, related_name="+")
    democratic_score = models.DecimalField(_("民主测评得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    unit_score = models.DecimalField(_("单位年度考核得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    quarterly_mean = models.DecimalField(_("季度平均分"), max_digits=6, decimal_places=2, null=True, blank=True)
    annual_score = models.DecimalField(_("年度得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank_in_unit = models.PositiveIntegerField(_("单位内排名"), null=True, blank=True)
    unit_size = models.PositiveIntegerField(_("单位参评人数"), null=True, blank=True)
    rank_in_rank_level = models.PositiveIntegerField(_("同职级排名"), null=True, blank=True)
    rank_level_size = models.PositiveIntegerField(_("同职级参评人数"), null=True, blank=True)
    proposed_grade = models.CharField(_("建议等次"), max_length=20, choices=Grade.choices, blank=True)
    grade = models.CharField(_("确定等次"), max_length=20, choices=Grade.choices, blank=True)
    grade_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grade_confirmed_at = models.DateTimeField(_("确定时间"), null=True, blank=True)
    is_published = models.BooleanField(_("已公布"), default=False)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # How the numbers above came about, for the explanation page.
    period = models.ForeignKey(
        Period,
        verbose_name=_("年度考核"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annual_results",
    )
    democratic_raw = models.DecimalField(_("民主测评均分"), max_digits=6, decimal_places=2, null=True, blank=True)
    democratic_rater_count = models.PositiveIntegerField(_("民主测评人数"), default=0)
    democratic_deduction = models.DecimalField(_("缺年度总结扣分"), max_digits=6, decimal_places=2, default=0)
    quarter_count = models.PositiveSmallIntegerField(_("计入季度数"), default=0)
    democratic_weight = models.DecimalField(_("民主测评权重"), max_digits=5, decimal_places=2, null=True, blank=True)
    unit_weight = models.DecimalField(_("单位考核权重"), max_digits=5, decimal_places=2, null=True, blank=True)
    quarterly_weight = models.DecimalField(_("平时考核权重"), max_digits=5, decimal_places=2, null=True, blank=True)
    excellent_quota = models.PositiveIntegerField(_("单位优秀名额"), null=True, blank=True)
    quota_tie = models.BooleanField(
        _("名额边界并列"), default=False, help_text=_("与名额边界上的人同分，须由考核办确定。")
    )
    # When the row last changed, for the HR system's incremental sync (docs/hr-export.md). The database
    # default also stamps rows that the computation's SQL inserts without naming the column.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now(), db_index=True)

    objects = AnnualResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度结果")
        verbose_name_plural = _("年度结果")
        ordering = ["-year", "unit", "rank_in_unit"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="annual_result_once_per_year")]
        indexes = [
            # Rankings read a year's results by unit and by rank level.
            models.Index(fields=["year", "unit"], name="annual_result_year_unit"),
            models.Index(fields=["year", "rank"], name="annual_result_year_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}"


class GradeChange(models.Model):
    """Calibration trail: a grade set differently from before, by whom, when and why."""

    result = models.ForeignKey(
        AnnualResult, verbose_name=_("年度结果"), on_delete=models.CASCADE, related_name="grade_changes"
    )
    before = models.CharField(_("调整前"), max_length=20, choices=Grade.choices, blank=True)
    after = models.CharField(_("调整后"), max_length=20, choices=Grade.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("调整时间"), auto_now_add=True)
    reason = models.TextField(_("调整理由"), max_length=1000)

    class Meta:
        verbose_name = _("等次调整记录")
        verbose_name_plural = _("等次调整记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.result}: {self.before} → {self.after}"


class FollowUpKind(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("提醒谈话")
    ADMONITION_TALK = "admonition_talk", _("诫勉谈话")
    ORGANIZATIONAL = "organizational", _("组织处理")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待办")
    CLOSED = "closed", _("已办结")


class FollowUp(models.Model):
    """A task for org staff raised by an annual result: last place in the unit (rules.md §5)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="follow_ups")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("事项"), max_length=30, choices=FollowUpKind.choices)
    annual_result = models.ForeignKey(
        AnnualResult, verbose_name=_("年度结果"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    consecutive_years = models.PositiveSmallIntegerField(_("连续末位年数"))
    status = models.CharField(_("状态"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    note = models.TextField(_("办理情况"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("结果运用跟进事项")
        verbose_name_plural = _("结果运用跟进事项")
        ordering = ["status", "-year", "cadre"]
        # One follow-up per cadre and year, however often the year's results are published.
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="follow_up_once_per_year")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year} {self.get_kind_display()}"
