"""Opened ballots: no sheet key anywhere."""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit

from .base import new_id
from .periods import Period
from .sheets import RaterGroup

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
    # The index below serves every lookup by period: no index of its own. Nothing looks scores up
    # by ratee alone (only Django's PROTECT, were a cadre ever deleted: a scan then), so the ratee
    # has none either: a city's box writes 100,000 rows here, and each index is paid per row.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, db_index=False, **OPENED_FK)
    ratee = models.ForeignKey(Cadre, on_delete=models.PROTECT, db_index=False, **OPENED_FK)
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
    # (The index on period and unit below serves every lookup by period; by unit alone only
    # Django's PROTECT looks, were a unit ever deleted: no index of its own, like RateeScores.ratee.)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="sheet_quality", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
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
