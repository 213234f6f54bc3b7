"""Computation and quarterly results."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, RankLevel, Unit, UnitCategory, UnitRole
from core.models import Job

from .base import half_up
from .periods import Period
from .sheets import RaterGroup


class ComputationRun(Job):
    """One request to compute a period: the background job (core.jobs) the period page follows."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="runs")
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    result_count = models.PositiveIntegerField(_("结果条数"), default=0)

    class Meta(Job.Meta):
        verbose_name = _("计算任务")
        verbose_name_plural = _("计算任务")

    def __str__(self) -> str:
        return f"{self.period} #{self.pk}"


class PeriodOpening(Job):
    """The background job that opens a period (snapshot, sheets, notices): core.jobs runs it and the
    period page follows it. A period has at most one opening queued, running or done."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="openings")
    sheets = models.PositiveIntegerField(_("测评表"), default=0)
    lines = models.PositiveIntegerField(_("评分格"), default=0)

    class Meta(Job.Meta):
        verbose_name = _("开始测评任务")
        verbose_name_plural = _("开始测评任务")
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=["queued", "running", "succeeded"]),
                name="period_opening_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} #{self.pk}"


class UnitCompletion(models.Model):
    """Sheets and submitted sheets per rated unit, kept by the opening and by each submission
    (services/figures.py): the results page reads these rows instead of counting sheets."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="unit_completions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sheets = models.PositiveIntegerField(_("测评表数"))
    submitted = models.PositiveIntegerField(_("已提交"), default=0)

    class Meta:
        verbose_name = _("单位测评完成情况")
        verbose_name_plural = _("单位测评完成情况")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unit_completion_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.submitted}/{self.sheets}"

    @property
    def rate(self) -> int:
        return round(self.submitted * 100 / self.sheets) if self.sheets else 0


class ScoreDistribution(models.Model):
    """A quarter's score histogram, for all its results ('') and per unit category, stored by the
    computation (services/figures.py) so that the results page does not read every score."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="score_distributions")
    category = models.CharField(_("单位类别"), max_length=20, blank=True)
    labels = models.JSONField(default=list)
    counts = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("得分分布")
        verbose_name_plural = _("得分分布")
        constraints = [models.UniqueConstraint(fields=["period", "category"], name="score_distribution_once")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.category or '*'}"

    def as_chart(self) -> dict:
        return {"labels": self.labels, "counts": self.counts, "total": self.total}


# Result rows are written by the computation's INSERT … SELECT from the period's snapshot, by the
# hundred thousand in one transaction: their keys come from rows read in the same statement, and a
# per-row foreign-key check at commit cost a 50,000-cadre computation as much as computing it, so
# the database does not check them again (db_constraint=False); Django still cascades and protects.
# The period needs no index of its own: every index of these tables starts with it.
class _ResultForeignKey(TypedDict):
    db_constraint: bool


# A TypedDict, so that the type checker still knows what `**RESULT_FK` foreign keys point to.
RESULT_FK: _ResultForeignKey = {"db_constraint": False}


class GroupResult(models.Model):
    """A ratee's scores from one rater group in a period (aggregates only)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="group_results", db_index=False, **RESULT_FK
    )
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", **RESULT_FK)
    rater_group = models.CharField(_("评价组"), max_length=10, choices=RaterGroup.choices)
    rater_count = models.PositiveIntegerField(_("评价人数"))
    score_sum = models.PositiveIntegerField()
    score_min = models.PositiveSmallIntegerField()
    score_max = models.PositiveSmallIntegerField()
    # After dropping the highest and lowest score when the setting asks for it.
    used_count = models.PositiveIntegerField()
    used_sum = models.PositiveIntegerField()
    dropped_extremes = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("评价组结果")
        verbose_name_plural = _("评价组结果")
        constraints = [models.UniqueConstraint(fields=["period", "cadre", "rater_group"], name="group_result_once")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.cadre_id}/{self.rater_group}"

    @property
    def average(self) -> Decimal | None:
        if not self.used_count:
            return None
        return half_up(Decimal(self.used_sum) / Decimal(self.used_count))


class QuarterlyResult(models.Model):
    """A cadre's quarterly score and ranks. Unit, role and rank are the period's snapshot."""

    period = models.ForeignKey(
        Period,
        verbose_name=_("考核周期"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        **RESULT_FK,
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="quarterly_results", **RESULT_FK
    )
    # Unit and rank need no index of their own either: pages read them per period ((period, unit) and
    # (period, rank) below); only deleting a unit or rank level looks them up alone.
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+", db_index=False, **RESULT_FK
    )
    unit_category = models.CharField(_("单位类别"), max_length=20, choices=UnitCategory.choices)
    role = models.CharField(_("班子角色"), max_length=20, choices=UnitRole.choices)
    rank = models.ForeignKey(
        RankLevel, verbose_name=_("职级"), on_delete=models.PROTECT, related_name="+", db_index=False, **RESULT_FK
    )
    rater_count = models.PositiveIntegerField(_("评价人数"), default=0)
    weighted_score = models.DecimalField(_("测评得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    missing_log_days = models.PositiveIntegerField(_("缺记日志天数"), default=0)
    missing_summary = models.BooleanField(_("缺季度小结"), default=False)
    log_deduction_rate = models.DecimalField(_("每缺一篇日志扣分"), max_digits=4, decimal_places=2, default=0)
    summary_deduction_rate = models.DecimalField(_("缺季度小结扣分"), max_digits=4, decimal_places=2, default=0)
    deduction = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2, default=0)
    score = models.DecimalField(_("季度得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank_in_unit = models.PositiveIntegerField(_("单位排名"), null=True, blank=True)
    unit_size = models.PositiveIntegerField(_("单位参评人数"), null=True, blank=True)
    rank_in_rank_level = models.PositiveIntegerField(_("职级排名"), null=True, blank=True)
    rank_level_size = models.PositiveIntegerField(_("同职级参评人数"), null=True, blank=True)
    rank_in_category = models.PositiveIntegerField(_("单位类别内排名"), null=True, blank=True)
    category_size = models.PositiveIntegerField(_("同类别参评人数"), null=True, blank=True)

    class Meta:
        verbose_name = _("季度结果")
        verbose_name_plural = _("季度结果")
        ordering = ["period", "unit", "rank_in_unit"]
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="quarterly_result_once")]
        indexes = [
            # Result tables filter a period's rows by unit and by rank level, and sort by score
            # (descending: the index below; nothing reads scores in ascending order).
            models.Index(fields=["period", "unit"], name="quarterly_result_unit"),
            models.Index(fields=["period", "rank"], name="quarterly_result_rank"),
            # The results page's default order (score descending, no score last, then code): read
            # from this index a page at a time (incremental sort of ties), not by sorting a city.
            # PostgreSQL only (migration 0016): SQLite has no NULLS LAST in an index.
            models.Index(F("period"), F("score").desc(nulls_last=True), name="quarterly_result_score_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.period}"
