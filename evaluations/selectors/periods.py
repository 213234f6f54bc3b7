"""Periods and completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from achievements.rules import last_day_of_window, records_final_deadline

from ..models import (
    BoxOpening,
    ComputationRun,
    EvaluationSettings,
    PaperSheet,
    Period,
    RunStatus,
    SealedSheet,
    SheetAssignment,
    SheetSubmission,
)


def unit_is_small(size: int | None, settings: EvaluationSettings) -> bool:
    """Whether a unit of `size` active cadres is a small unit (fewer than the small-unit size of its
    category's settings): org staff name outside evaluators for it, and its last place is judged in
    a wider group (last_place_bases)."""
    return size is not None and size < settings.small_unit_size


def periods() -> QuerySet[Period]:
    return Period.objects.annotate(
        sheet_total=Count("assignments", distinct=True),
        sheet_done=Count("assignments", filter=Q(assignments__submission__isnull=False), distinct=True),
    ).order_by("-year", F("quarter").desc(nulls_first=True), "kind")


def records_open_until(period: Period, *, now: datetime | None = None) -> date | None:
    """The last day of the period's last log or summary window, while it has not yet passed.

    Results computed before then are provisional (暂定): deductions count only closed days.
    """
    final = records_final_deadline(period.year, period.quarter)
    return last_day_of_window(final) if (now or timezone.now()) < final else None


@dataclass
class PeriodOverview:
    sheets: int
    submitted: int
    raters: int
    raters_done: int
    paper_sheets: int
    units: int
    latest_run: ComputationRun | None
    progress: dict[str, Any] | None
    sealed: int = 0
    box_opening: BoxOpening | None = None

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.sheets) if self.sheets else 0


def period_overview(period: Period) -> PeriodOverview:
    assignments = SheetAssignment.objects.filter(period=period)
    totals = assignments.aggregate(
        sheets=Count("pk"),
        submitted=Count("pk", filter=Q(submission__isnull=False)),
        raters=Count("rater", distinct=True),
        units=Count("unit", distinct=True),
    )
    raters_pending = (
        assignments.filter(submission__isnull=True).values("rater").distinct().count() if totals["sheets"] else 0
    )
    run = period.runs.select_related("requested_by").first()
    return PeriodOverview(
        sheets=totals["sheets"],
        submitted=totals["submitted"],
        raters=totals["raters"],
        raters_done=totals["raters"] - raters_pending,
        paper_sheets=PaperSheet.objects.filter(period=period).count(),
        units=totals["units"],
        latest_run=run,
        progress=run_progress(run) if run else None,
        sealed=SealedSheet.objects.filter(period=period).count(),
        box_opening=BoxOpening.objects.filter(period=period).defer("receipts").first(),
    )


@dataclass
class UnitCompletion:
    unit_id: int
    unit_name: str
    sheets: int
    submitted: int
    paper_sheets: int

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.sheets) if self.sheets else 0


def completion_by_unit(period: Period) -> list[UnitCompletion]:
    """Submitted sheets per rated unit — who has submitted, never what."""
    paper = paper_counts(period)
    rows = (
        SheetAssignment.objects.filter(period=period)
        .values("unit", "unit__name", "unit__sort_order")
        .annotate(sheets=Count("pk"), submitted=Count("pk", filter=Q(submission__isnull=False)))
        .order_by("unit__sort_order", "unit__name")
    )
    return [
        UnitCompletion(r["unit"], r["unit__name"], r["sheets"], r["submitted"], paper.get(r["unit"], 0)) for r in rows
    ]


@dataclass
class ReceiptListing:
    opening: BoxOpening | None
    receipts: list[str]

    def contains(self, code: str) -> bool:
        from bisect import bisect_left

        i = bisect_left(self.receipts, code)
        return i < len(self.receipts) and self.receipts[i] == code


def box_receipts(period: Period) -> ReceiptListing:
    """The sorted receipts of the period's opened box (empty while it is sealed)."""
    opening = BoxOpening.objects.filter(period=period).first()
    return ReceiptListing(opening, list(opening.receipts) if opening else [])


def paper_counts(period: Period) -> dict[int, int]:
    """Paper sheets keyed in per unit."""
    return dict(
        PaperSheet.objects.filter(period=period).values("unit").annotate(n=Count("pk")).values_list("unit", "n")
    )


def completion_raters(period: Period, *, unit_id: int | None = None, status: str = "") -> QuerySet[SheetAssignment]:
    rows = (
        SheetAssignment.objects.filter(period=period)
        .select_related("rater__unit", "rater__user", "unit")
        .annotate(
            is_submitted=Exists(SheetSubmission.objects.filter(assignment=OuterRef("pk"))),
        )
        .order_by("unit__sort_order", "unit__name", "rater__unit__name", "rater__code")
    )
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if status == "done":
        rows = rows.filter(is_submitted=True)
    elif status == "pending":
        rows = rows.filter(is_submitted=False)
    return rows


def progress_key(run_id: int) -> str:
    return f"evaluations:run:{run_id}:progress"


def run_progress(run: ComputationRun) -> dict[str, Any] | None:
    if run.status != RunStatus.RUNNING:
        return None
    progress: dict[str, Any] | None = cache.get(progress_key(run.pk))
    return progress
