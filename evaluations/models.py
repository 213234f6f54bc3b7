"""考实绩 / 用实绩: settings, periods, ballots, scores, rankings, annual results and their use.

Anonymity (rules.md §4, SECURITY.md) is a property of the data model, not of the pages:

- A rater's *assignment* (SheetAssignment, its lines and its sealed draft) knows the rater. The
  draft is deleted when the sheet is submitted; what remains is SheetSubmission, the bare fact
  "rater X submitted the sheet for unit U on day D", with a random key and no time of day.
- A submitted sheet waits in the ballot box (SealedSheet): encrypted under the ballot key, random
  key, and reshuffled within its unit at every submission, so neither its content nor its place
  says whose it is.
- When the period closes, the box is opened in one transaction (services/box.py): the scores are
  written as RateeScores rows (one sorted list per ratee and rater group) and DemocraticScore /
  ProblemTick rows (in random order) that carry no sheet key at all, each sheet leaves one
  SheetQuality row (random key, unit, mean, distance, flags: no ratees, no count), and the sealed
  rows are deleted and vacuumed away.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, MembershipSnapshot, RankLevel, Unit, UnitCategory, UnitRole
from core.models import Job

CENT = Decimal("0.01")
# The years periods, settings and unit scores may have; period codes and the API say so plainly.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def new_id():
    """Random primary keys for anonymous rows: their order says nothing about submission order."""
    return uuid4()


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal | int) -> str:
    """A number without trailing zeros: 4, 3.5, 0.1."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Settings -------------------------------------------------------------------------------


class LastPlaceComparison(models.TextChoices):
    RANK_LEVEL = "rank_level", _("全区同职级")
    UNIT_CATEGORY = "unit_category", _("同类别单位")


class EvaluationSettings(models.Model):
    """The numbers of 考实绩 / 用实绩 for a year, optionally for one unit category.

    Lookup order (as for RecordRules): (year, category) row, then (year, no category) row, then
    these field defaults. Missing-record deduction rates live in achievements.RecordRules.
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


# --- Periods --------------------------------------------------------------------------------


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


# --- Sheets: the rater's side ------------------------------------------------------------------


class RaterGroup(models.TextChoices):
    LEADER = "leader", _("领导主评")
    PEER = "peer", _("同级互评")
    OTHER = "other", _("其他参评")


RATER_GROUPS = (RaterGroup.LEADER, RaterGroup.PEER, RaterGroup.OTHER)


class SheetAssignment(models.Model):
    """One rater's sheet for one unit in a period: built when the period opens."""

    # The unique (period, rater, unit) and (period, unit) indexes below serve every lookup by
    # period, and (rater, period) every lookup by rater: no single-column index of their own,
    # which each opening would write 55,000 entries into (a city).
    period = models.ForeignKey(
        Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    # Sheets are written set-based when a period opens (1.76 million lines for a city), from a
    # join on the snapshot: the per-row foreign-key checks took longer than the writing, so the
    # database does not repeat them (db_constraint=False); Django still cascades and protects.
    rater = models.ForeignKey(
        Cadre, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("被评价单位"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = _("测评表分配")
        verbose_name_plural = _("测评表分配")
        ordering = ["period", "unit", "rater"]
        constraints = [models.UniqueConstraint(fields=["period", "rater", "unit"], name="assignment_once_per_unit")]
        indexes = [
            # Completion pages count a period's sheets by unit.
            models.Index(fields=["period", "unit"], name="assignment_period_unit"),
            # A rater's list of sheets.
            models.Index(fields=["rater", "period"], name="assignment_rater_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.rater.name} → {self.unit.name}"


class SheetLine(models.Model):
    """A ratee on an assigned sheet, with the rater's group relative to that ratee."""

    # The unique (assignment, ratee) index below serves every lookup by assignment.
    assignment = models.ForeignKey(
        SheetAssignment, on_delete=models.CASCADE, related_name="lines", db_constraint=False, db_index=False
    )
    ratee = models.ForeignKey(
        Cadre, verbose_name=_("被评价人"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    rater_group = models.CharField(_("评价组"), max_length=10, choices=RaterGroup.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("测评表人员")
        verbose_name_plural = _("测评表人员")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["assignment", "ratee"], name="sheet_line_once_per_ratee")]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.ratee_id}"


class SheetDraft(models.Model):
    """What a rater saved but has not submitted, sealed like a ballot. Deleted on submit and at close."""

    assignment = models.OneToOneField(SheetAssignment, on_delete=models.CASCADE, related_name="draft")
    sealed = models.BinaryField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("测评表草稿")
        verbose_name_plural = _("测评表草稿")

    def __str__(self) -> str:
        return str(self.assignment_id)

    @staticmethod
    def context(assignment_id: int) -> str:
        return f"draft:{assignment_id}"

    @property
    def data(self) -> dict:
        from .sealing import unseal

        return unseal(self.sealed, context=self.context(self.assignment_id))


class SheetSubmission(models.Model):
    """The only trace of a submission: rater X submitted the sheet for unit U, on day D.

    The one-to-one key is what makes "submit once" hold under double clicks and concurrent
    requests. The key is random and the day has no time, so nothing here orders submissions;
    when the box opens the period's rows are rewritten in random order besides.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    assignment = models.OneToOneField(
        SheetAssignment, verbose_name=_("测评表"), on_delete=models.CASCADE, related_name="submission"
    )
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("测评表提交记录")
        verbose_name_plural = _("测评表提交记录")

    def __str__(self) -> str:
        a = self.assignment
        return str(
            _("%(rater)s 已提交 %(unit)s 的测评表（%(period)s）")
            % {
                "rater": a.rater.name,
                "unit": a.unit.name,
                "period": a.period.title,
            }
        )


# --- The ballot box ---------------------------------------------------------------------------


class SheetSource(models.TextChoices):
    ONLINE = "online", _("网上测评")
    PAPER = "paper", _("纸质测评")


class SealedSheet(models.Model):
    """A submitted sheet in the box: encrypted, random key, the unit it rates. No rater, no time.

    Every submission for a unit rewrites that unit's sealed rows in a fresh random order, so a
    row's place in the table (or in a dump) says nothing about when it arrived.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("密封测评表")
        verbose_name_plural = _("密封测评表")
        # The box is opened, and reshuffled, one unit at a time.
        indexes = [models.Index(fields=["period", "unit"], name="sealed_sheet_period_unit")]

    def __str__(self) -> str:
        return str(self.pk)

    @staticmethod
    def context(period_id: int, unit_id: int) -> str:
        return f"sheet:{period_id}:{unit_id}"


class PaperSheet(models.Model):
    """The number printed on a paper ballot keyed in for a unit: the same paper is never counted twice.

    Paper ballots carry no rater; like online sheets, their scores go through the box.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="paper_sheets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("表号"), max_length=30)

    class Meta:
        verbose_name = _("纸质测评表")
        verbose_name_plural = _("纸质测评表")
        constraints = [models.UniqueConstraint(fields=["period", "unit", "number"], name="paper_sheet_number_once")]

    def __str__(self) -> str:
        return self.number


class BoxOpening(models.Model):
    """The box of a period was opened: how many sheets, and the sorted receipts raters can check."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="box_opening")
    opened_at = models.DateTimeField(_("开箱时间"))
    sheet_count = models.PositiveIntegerField(_("测评表数"))
    # Sorted, so the list says nothing about which sheet, unit or rater a code belongs to.
    receipts = models.JSONField(default=list)
    # When the tables that held the sealed sheets were rewritten (VACUUM FULL); empty until then.
    swept_at = models.DateTimeField(_("清理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("开箱记录")
        verbose_name_plural = _("开箱记录")

    def __str__(self) -> str:
        return f"{self.period} ({self.sheet_count})"


class UnitSheetTally(models.Model):
    """How many opened sheets rated a unit (a count: it decides whether team counts may be shown)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="sheet_tallies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sheets = models.PositiveIntegerField(_("测评表数"))

    class Meta:
        verbose_name = _("单位测评表数")
        verbose_name_plural = _("单位测评表数")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="sheet_tally_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.sheets}"


class UnitGroupSpread(models.Model):
    """The scores one rater group gave in a unit, as aggregates stored when the box opens."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="group_spreads")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rater_group = models.CharField(_("评价组"), max_length=10, choices=RaterGroup.choices)
    sheets = models.PositiveIntegerField(_("测评表数"))
    scores = models.PositiveIntegerField(_("分数个数"))
    total = models.PositiveBigIntegerField()
    squares = models.PositiveBigIntegerField()
    low = models.PositiveSmallIntegerField()
    high = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("评价组分布")
        verbose_name_plural = _("评价组分布")
        constraints = [models.UniqueConstraint(fields=["period", "unit", "rater_group"], name="group_spread_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.rater_group}"


# --- Opened ballots: no sheet key anywhere ----------------------------------------------------


# Opened rows arrive by the million when a city's box opens. Their ids were checked when the sheet
# was submitted, and a per-row foreign-key check at commit doubled the opening's time, so the
# database does not check them again (db_constraint=False); Django still cascades and protects.
OPENED_FK = {"related_name": "+", "db_constraint": False}


class ScoreListField(models.Field):
    """A list of scores from 0 to 100: `smallint[]` on PostgreSQL, JSON text on SQLite."""

    description = "list of scores"

    def db_type(self, connection) -> str:
        return "smallint[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, str):
            return [int(v) for v in json.loads(value)]
        return [int(v) for v in value]

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.to_python(value)
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(value, separators=(",", ":"))

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj))


class RateeScores(models.Model):
    """The scores one rater group gave one ratee in an opened quarterly period, as one sorted list.

    Which sheet a score came from is not kept, and neither is any order: the list is sorted, so it
    is the same whichever rater gave which score (the two worlds of rules.md §4 leave identical
    rows). It holds exactly what the computation reads: the count, sum, lowest and highest score of
    each (ratee, rater group). One row per ratee and group instead of one per score also makes
    opening a city's box write ~120 thousand rows instead of ~1.7 million.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # The index below serves every lookup by period: no index of its own.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, db_index=False, **OPENED_FK)
    ratee = models.ForeignKey(Cadre, on_delete=models.PROTECT, **OPENED_FK)
    rater_group = models.CharField(max_length=10, choices=RaterGroup.choices)
    scores = ScoreListField()

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        # A computation reads only its period's scores, grouped by ratee and group.
        indexes = [models.Index(fields=["period", "ratee", "rater_group"], name="ratee_scores_period_ratee_grp")]

    def __str__(self) -> str:
        return str(self.pk)


class Dimension(models.TextChoices):
    VIRTUE = "virtue", _("德")
    ABILITY = "ability", _("能")
    DILIGENCE = "diligence", _("勤")
    PERFORMANCE = "performance", _("绩")
    INTEGRITY = "integrity", _("廉")


DIMENSIONS = tuple(Dimension)


class DemocraticScore(models.Model):
    """One ratee's 德能勤绩廉 scores from an opened annual democratic sheet (no sheet key)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, **OPENED_FK)
    ratee = models.ForeignKey(Cadre, on_delete=models.PROTECT, **OPENED_FK)
    rater_group = models.CharField(max_length=10, choices=RaterGroup.choices)
    virtue = models.PositiveSmallIntegerField(_("德"))
    ability = models.PositiveSmallIntegerField(_("能"))
    diligence = models.PositiveSmallIntegerField(_("勤"))
    performance = models.PositiveSmallIntegerField(_("绩"))
    integrity = models.PositiveSmallIntegerField(_("廉"))

    class Meta:
        verbose_name = _("民主测评评分")
        verbose_name_plural = _("民主测评评分")
        indexes = [models.Index(fields=["period", "ratee"], name="democratic_score_period_ratee")]

    def __str__(self) -> str:
        return str(self.pk)


class ProblemItem(models.TextChoices):
    """反测评 items (rules.md §5): five about a person, four about a unit's leadership team."""

    IDEOLOGY = "ideology", _("思想意识不好")
    ABILITY = "ability", _("能力水平较差")
    TEAMWORK = "teamwork", _("团结协作不好")
    SERVICE = "service", _("服务意识不强")
    SELF_DISCIPLINE = "discipline", _("自身要求不严")
    MANAGEMENT = "management", _("内部管理混乱")
    DIRECTION = "direction", _("工作思路不清")
    CENTRALISM = "centralism", _("民主集中制执行不好")
    RESULTS = "results", _("工作业绩不突出")


PERSON_PROBLEMS = (
    ProblemItem.IDEOLOGY,
    ProblemItem.ABILITY,
    ProblemItem.TEAMWORK,
    ProblemItem.SERVICE,
    ProblemItem.SELF_DISCIPLINE,
)
TEAM_PROBLEMS = (ProblemItem.MANAGEMENT, ProblemItem.DIRECTION, ProblemItem.CENTRALISM, ProblemItem.RESULTS)


class ProblemTick(models.Model):
    """A 反测评 item ticked on an opened democratic sheet: about a ratee, or (ratee empty) the unit's team."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, **OPENED_FK)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, **OPENED_FK)
    ratee = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.PROTECT, **OPENED_FK)
    item = models.CharField(max_length=20, choices=ProblemItem.choices)

    class Meta:
        verbose_name = _("反测评勾选")
        verbose_name_plural = _("反测评勾选")
        indexes = [models.Index(fields=["period", "unit"], name="problem_tick_period_unit")]

    def __str__(self) -> str:
        return str(self.pk)


class SheetQuality(models.Model):
    """One opened quarterly sheet's statistics, under a random id: which unit, its mean, its distance
    from the other raters' consensus and the flags. No ratees, no count, no order."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # Opened rows like the scores: their ids were checked when the sheet was sealed (OPENED_FK).
    # (The index on period and unit below serves every lookup by period.)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="sheet_quality", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    mean_score = models.DecimalField(_("平均分"), max_digits=6, decimal_places=2)
    deviation = models.DecimalField(_("平均偏差"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_flat = models.BooleanField(_("全部同分"), default=False)
    is_outlier = models.BooleanField(_("偏离共识"), default=False)

    class Meta:
        verbose_name = _("测评表质量")
        verbose_name_plural = _("测评表质量")
        ordering = ["unit", "id"]
        indexes = [models.Index(fields=["period", "unit"], name="sheet_quality_period_unit")]

    def __str__(self) -> str:
        return self.short_id

    @property
    def short_id(self) -> str:
        return self.id.hex[:8]

    @property
    def is_flagged(self) -> bool:
        return self.is_flat or self.is_outlier


# --- Computation and quarterly results -------------------------------------------------------


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class ComputationRun(models.Model):
    """One request to compute a period; the background job reports on it."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    result_count = models.PositiveIntegerField(_("结果条数"), default=0)

    class Meta:
        verbose_name = _("计算任务")
        verbose_name_plural = _("计算任务")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


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
RESULT_FK = {"db_constraint": False}


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


# --- Annual results (用实绩) -------------------------------------------------------------------


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
