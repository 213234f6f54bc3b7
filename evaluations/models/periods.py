"""Periods."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import MembershipSnapshot

from .base import FIRST_YEAR, LAST_YEAR


class PeriodKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度考核")
    ANNUAL = "annual", _("年度考核（民主测评）")


class PeriodState(models.TextChoices):
    DRAFT = "draft", _("未开始")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已截止")
    COMPUTED = "computed", _("已计算")
    PUBLISHED = "published", _("已公布")


class Period(models.Model):
    """A quarter's 360° evaluation, or a year's democratic evaluation and annual results."""

    kind = models.CharField(_("类型"), max_length=20, choices=PeriodKind.choices, default=PeriodKind.QUARTERLY)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    state = models.CharField(_("状态"), max_length=20, choices=PeriodState.choices, default=PeriodState.DRAFT)
    deadline = models.DateField(
        _("测评截止日期"), null=True, blank=True, help_text=_("用于提醒评价人，到期不自动截止。")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # Unit, role and rank of every cadre when the period opened: sheets and rankings use it.
    snapshot = models.ForeignKey(
        MembershipSnapshot,
        verbose_name=_("任职快照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    # Set when results were computed before the period's last log and summary window closed
    # (their deductions are incomplete): the results are 暂定 until a recompute after this moment.
    provisional_until = models.DateTimeField(
        _("暂定结果至"),
        null=True,
        blank=True,
        help_text=_("结果在日志和小结补记期全部结束前计算，为暂定结果；补记期结束后自动重新计算。"),
    )

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        ordering = ["-year", "-quarter", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "quarter"], condition=Q(quarter__isnull=False), name="period_once_per_quarter"
            ),
            models.UniqueConstraint(
                fields=["kind", "year"], condition=Q(quarter__isnull=True), name="period_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(kind=PeriodKind.QUARTERLY, quarter__isnull=False)
                | Q(kind=PeriodKind.ANNUAL, quarter__isnull=True),
                name="period_quarter_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_annual(self) -> bool:
        return self.kind == PeriodKind.ANNUAL

    @property
    def title(self) -> str:
        if self.is_annual:
            return str(_("%(year)s年度考核") % {"year": self.year})
        return str(_("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter})

    @property
    def code(self) -> str:
        """The command-line name: 2026Q1 for a quarter, 2026Y for a year."""
        return f"{self.year}Y" if self.is_annual else f"{self.year}Q{self.quarter}"

    @property
    def has_results(self) -> bool:
        return self.state in (PeriodState.COMPUTED, PeriodState.PUBLISHED)

    @property
    def is_provisional(self) -> bool:
        return self.has_results and self.provisional_until is not None

    @property
    def records_final_day(self):
        """The last day of the period's last backfill window (see records_final_deadline)."""
        from achievements.rules import last_day_of_window, records_final_deadline

        return last_day_of_window(records_final_deadline(self.year, self.quarter))
