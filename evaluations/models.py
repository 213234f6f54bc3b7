"""考实绩 / 用实绩: periods, ballots, scores, rankings and annual results.

Only the annual result exists so far: it is the contract other apps (the pre-appointment notice)
read. The rest of the evaluation models arrive with the evaluations issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, RankLevel, Unit, UnitCategory, UnitRole


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


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
