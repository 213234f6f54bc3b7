"""The ballot box."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit

from .base import new_id
from .periods import Period
from .sheets import RaterGroup


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
