"""Sheets: the rater's side."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit

from .base import new_id
from .periods import Period


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
    # Sheets are written set-based when a period opens (56,000 for a city), from a
    # join on the snapshot: the per-row foreign-key checks took longer than the writing, so the
    # database does not repeat them (db_constraint=False); Django still cascades and protects.
    rater = models.ForeignKey(
        Cadre, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("被评价单位"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    # A sheet's lines (ratee, rater group, place) are not rows: they follow from the unit's members
    # in the period's snapshot and the rater's place there, plus these two flags of the unit's
    # evaluator scope as it was at the opening (`rules.sheet_lines`, `evaluations/lines.py`). A city
    # opened 1.76 million line rows, whose writing alone took longer than the whole opening may.
    superior = models.BooleanField(_("上级评价人"), default=False)
    external = models.BooleanField(_("外单位评价人"), default=False)
    ratee_count = models.PositiveSmallIntegerField(_("被评价人数"), default=0)

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
        from ..sealing import unseal

        return unseal(self.sealed, context=self.context(self.assignment_id))


class SheetSubmission(models.Model):
    """The only trace of a submission: rater X submitted the sheet for unit U, on day D.

    The one-to-one key is what makes "submit once" hold under double clicks and concurrent
    requests. The key is random and the day has no time, so nothing here orders submissions;
    when the box opens the period's rows are rewritten in random order besides.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # No foreign key in the database (Django still cascades; the unique index stays, and with it
    # "submit once"): each opening rewrites a quarter's records, and the per-row check of their
    # keys at the commit cost a city's opening 0.3 CPU s, for ids taken from the rows it deleted.
    assignment = models.OneToOneField(
        SheetAssignment,
        verbose_name=_("测评表"),
        on_delete=models.CASCADE,
        related_name="submission",
        db_constraint=False,
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
