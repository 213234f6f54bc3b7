"""Settings."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit, UnitCategory
from core.models import YearlySettings

from .base import FIRST_YEAR, LAST_YEAR, plain


class LastPlaceComparison(models.TextChoices):
    RANK_LEVEL = "rank_level", _("全区同职级")
    UNIT_CATEGORY = "unit_category", _("同类别单位")


class EvaluationSettings(YearlySettings):
    """The numbers of 考实绩 / 用实绩 for a year, optionally for one unit category.

    Lookup order (`for_year`, as for RecordRules): (year, category) row, then (year, no category)
    row, then these field defaults. Missing-record deduction rates live in achievements.RecordRules.
    """

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    unit_category = models.CharField(
        _("单位类别"), max_length=20, choices=UnitCategory.choices, blank=True, help_text=_("留空表示适用于所有类别。")
    )
    leader_weight = models.DecimalField(
        _("领导主评权重"), max_digits=5, decimal_places=2, default=Decimal("4"), validators=[MinValueValidator(0)]
    )
    peer_weight = models.DecimalField(
        _("同级互评权重"), max_digits=5, decimal_places=2, default=Decimal("3"), validators=[MinValueValidator(0)]
    )
    other_weight = models.DecimalField(
        _("其他参评权重"), max_digits=5, decimal_places=2, default=Decimal("3"), validators=[MinValueValidator(0)]
    )
    score_min = models.PositiveSmallIntegerField(_("最低分"), default=50, validators=[MaxValueValidator(1000)])
    score_max = models.PositiveSmallIntegerField(_("最高分"), default=100, validators=[MaxValueValidator(1000)])
    band_threshold = models.PositiveSmallIntegerField(
        _("高分档分数线"), default=90, help_text=_("达到此分数（含）即计入高分档。")
    )
    band_share_percent = models.PositiveSmallIntegerField(
        _("高分档比例（%）"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("每张测评表高分档人数不超过 表内人数 × 比例（向下取整）。"),
    )
    band_minimum = models.PositiveSmallIntegerField(
        _("高分档最少可打人数"), default=1, help_text=_("表内人数较少、按比例取整为 0 时，至少允许的人数。")
    )
    display_threshold = models.PositiveSmallIntegerField(
        _("匿名显示门槛（人）"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("某一评价组的评价人少于此人数时，该组均分不向任何人显示（仍计入得分）。"),
    )
    drop_extremes = models.BooleanField(_("去掉最高分和最低分"), default=False)
    drop_extremes_min_raters = models.PositiveSmallIntegerField(
        _("去极值最少人数"),
        default=7,
        validators=[MinValueValidator(3)],
        help_text=_("评价组人数达到此数时才去掉一个最高分和一个最低分。"),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("截止前几天自动提醒"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_("测评截止日期前这些天内，每天早上提醒尚未提交的评价人；0 表示不自动提醒。"),
    )
    small_unit_size = models.PositiveSmallIntegerField(
        _("小单位人数界限"), default=8, help_text=_("干部人数少于此数的单位须由考核办设置评价范围（含外单位评价人）。")
    )
    quality_flat_min_scores = models.PositiveSmallIntegerField(
        _("雷同打分提示最少人数"), default=3, help_text=_("测评表内人数达到此数且全部同分时提示。")
    )
    quality_outlier_points = models.DecimalField(
        _("偏离共识提示分差"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("10.0"),
        help_text=_("测评表各分数与其他评价人同组均分的平均偏差达到此分差时提示。"),
    )
    main_leader_democratic_weight = models.DecimalField(
        _("主要领导：民主测评权重（%）"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    main_leader_unit_weight = models.DecimalField(
        _("主要领导：单位年度考核权重（%）"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    main_leader_quarterly_weight = models.DecimalField(
        _("主要领导：平时实绩考核权重（%）"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    others_democratic_weight = models.DecimalField(
        _("其他干部：民主测评权重（%）"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    others_unit_weight = models.DecimalField(
        _("其他干部：单位年度考核权重（%）"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    others_quarterly_weight = models.DecimalField(
        _("其他干部：平时实绩考核权重（%）"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    excellent_quota_percent = models.PositiveSmallIntegerField(
        _("优秀比例（%）"), default=20, validators=[MaxValueValidator(100)]
    )
    excellent_quota_min_unit_size = models.PositiveSmallIntegerField(
        _("至少一名优秀的单位人数"), default=5, help_text=_("按比例取整为 0 时，单位参评人数达到此数仍可有 1 名优秀。")
    )
    promotion_top_percent = models.PositiveSmallIntegerField(
        _("提拔人选：同职级排名前（%）"), default=50, validators=[MaxValueValidator(100)]
    )
    excellent_lookback_years = models.PositiveSmallIntegerField(
        _("提拔人选：近几年内有优秀"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    commendation_top_percent = models.PositiveSmallIntegerField(
        _("评先评优：同职级排名前（%）"), default=50, validators=[MaxValueValidator(100)]
    )
    last_place_comparison = models.CharField(
        _("小单位末位比较范围"),
        max_length=20,
        choices=LastPlaceComparison.choices,
        default=LastPlaceComparison.RANK_LEVEL,
        help_text=_("人数少于“小单位人数界限”的单位，末位不在单位内判断，而在全区同职级或同类别单位的干部中判断。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核设置")
        verbose_name_plural = _("考核设置")
        ordering = ["-year", "unit_category"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_category"], name="evaluation_settings_once_per_year_category")
        ]

    def __str__(self) -> str:
        category = UnitCategory(self.unit_category).label if self.unit_category else _("所有类别")
        return f"{self.year} {category}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.score_min is not None and self.score_max is not None and self.score_min >= self.score_max:
            errors["score_max"] = _("最高分必须大于最低分。")
        elif self.band_threshold is not None and not (self.score_min < self.band_threshold <= self.score_max):
            errors["band_threshold"] = _("高分档分数线必须在最低分与最高分之间。")
        weights = (self.leader_weight, self.peer_weight, self.other_weight)
        if all(w is not None for w in weights) and sum(weights) <= 0:
            errors["leader_weight"] = _("三个评价组的权重不能都为 0。")
        for prefix, label in (("main_leader", _("主要领导")), ("others", _("其他干部"))):
            parts = [getattr(self, f"{prefix}_{part}_weight") for part in ("democratic", "unit", "quarterly")]
            if all(p is not None for p in parts) and sum(parts) != 100:
                errors[f"{prefix}_quarterly_weight"] = _("%(who)s的年度得分权重之和须为 100%%，现为 %(total)s%%。") % {
                    "who": label,
                    "total": plain(sum(parts)),
                }
        if errors:
            raise ValidationError(errors)


class EvaluatorScope(models.Model):
    """Who besides the unit's own members rates a unit (rules.md §4).

    Superior evaluators form the LEADER group of the unit's 主要领导; external evaluators (e.g. the
    14 township counterparts of a 3-person unit) rate every member of the unit in the OTHER group.
    Units with fewer cadres than the small-unit size must have external evaluators.
    """

    unit = models.OneToOneField(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="evaluator_scope")
    superior_evaluators = models.ManyToManyField(
        Cadre,
        verbose_name=_("上级评价人"),
        blank=True,
        related_name="+",
        help_text=_("对本单位主要领导进行“领导主评”的人，通常为上级单位或区领导。"),
    )
    external_evaluators = models.ManyToManyField(
        Cadre,
        verbose_name=_("外单位评价人"),
        blank=True,
        related_name="+",
        help_text=_("参与评价本单位全体干部的外单位人员，计入“其他参评”。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评价范围")
        verbose_name_plural = _("评价范围")

    def __str__(self) -> str:
        return str(self.unit)
