"""After the appointment (rules.md §7): the 任职试用期 of a promoted cadre, and its reviews.

A probation starts when a decision appoints a candidate to a post that the regulation puts under
probation (`rules.probation_applies`); it runs from the deciding meeting's day for the months of the
year's selection settings. Org staff hear of its end N days before (a daily job), then review it:
confirm (正式任职), extend with a new end, or end it (不胜任，免去试任职务) with the reason. Every
review is kept as a row (who, when, what); the probation row holds the current state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre


class ProbationStatus(models.TextChoices):
    RUNNING = "running", _("试用中")
    CONFIRMED = "confirmed", _("已正式任职")
    ENDED = "ended", _("已免去试任职务")


class Probation(models.Model):
    """One 任职试用期: who, which post, from when to when, and how it ended."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="probations")
    decision = models.OneToOneField(
        "selection.Decision",
        verbose_name=_("任用决定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="probation",
    )
    post = models.CharField(_("试任职务"), max_length=200)
    previous_post = models.CharField(_("试任前职务"), max_length=200, blank=True)
    start_date = models.DateField(_("试用期开始"))
    original_end = models.DateField(_("原定试用期满"))
    end_date = models.DateField(_("试用期满"))
    reminder_days = models.PositiveSmallIntegerField(_("期满前提醒天数"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ProbationStatus.choices, default=ProbationStatus.RUNNING
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任职试用期")
        verbose_name_plural = _("任职试用期")
        ordering = ["end_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=models.Q(status="running"),
                name="probation_one_running_per_cadre",
                violation_error_message=_("该干部已有进行中的试用期。"),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="probation_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("original_end")), name="probation_end_never_shortened"
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"], name="probation_status_end")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.post}"

    @property
    def is_running(self) -> bool:
        return self.status == ProbationStatus.RUNNING

    @property
    def is_extended(self) -> bool:
        return self.end_date != self.original_end


class ReviewAction(models.TextChoices):
    START = "start", _("开始试用")
    CONFIRM = "confirm", _("考核合格，正式任职")
    EXTEND = "extend", _("延长试用期")
    END = "end", _("不胜任，免去试任职务")


class ProbationReview(models.Model):
    """One step of a probation: its start and each review (append-only in the services)."""

    probation = models.ForeignKey(
        Probation, verbose_name=_("任职试用期"), on_delete=models.PROTECT, related_name="reviews"
    )
    action = models.CharField(_("事项"), max_length=20, choices=ReviewAction.choices)
    note = models.TextField(_("考核意见或理由"), max_length=2000, blank=True)
    previous_end = models.DateField(_("原试用期满"), null=True, blank=True)
    new_end = models.DateField(_("新的试用期满"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("试用期考核记录")
        verbose_name_plural = _("试用期考核记录")
        ordering = ["probation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.probation_id} {self.action}"
