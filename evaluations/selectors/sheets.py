"""A rater's sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet

from cadres.models import Cadre

from .. import rules
from ..inputs import SheetInput
from ..lines import SheetLine, sheet_lines
from ..models import (
    BoxOpening,
    EvaluationSettings,
    PeriodState,
    SheetAssignment,
    SheetDraft,
    SheetSubmission,
)


def my_sheets(cadre: Cadre) -> QuerySet[SheetAssignment]:
    """The rater's sheets of open periods first, then the latest closed ones."""
    return (
        SheetAssignment.objects.filter(rater=cadre)
        .exclude(period__state=PeriodState.DRAFT)
        .select_related("period", "unit")
        .annotate(
            is_submitted=Exists(SheetSubmission.objects.filter(assignment=OuterRef("pk"))),
            has_draft=Exists(SheetDraft.objects.filter(assignment=OuterRef("pk"))),
            box_opened=Exists(BoxOpening.objects.filter(period=OuterRef("period"))),
        )
        .order_by("-period__year", F("period__quarter").desc(nulls_first=True), "unit__sort_order", "unit__name")
    )


def pending_sheet_count(cadre: Cadre) -> int:
    return SheetAssignment.objects.filter(rater=cadre, period__state=PeriodState.OPEN, submission__isnull=True).count()


@dataclass
class SheetPage:
    assignment: SheetAssignment
    lines: list[SheetLine]
    data: SheetInput
    settings: EvaluationSettings
    band_limit: int
    submitted: bool
    saved_at: datetime | None = None


def sheet_page(assignment: SheetAssignment, data: SheetInput | None = None) -> SheetPage:
    lines = sheet_lines(assignment)
    draft = SheetDraft.objects.filter(assignment=assignment).first()
    if data is None:
        data = SheetInput.from_draft(draft.data) if draft else SheetInput()
    settings = rules.settings_for(assignment.period.year, assignment.unit.category)
    return SheetPage(
        assignment=assignment,
        lines=lines,
        data=data,
        settings=settings,
        band_limit=rules.band_limit(len(lines), settings),
        submitted=SheetSubmission.objects.filter(assignment=assignment).exists(),
        saved_at=draft.saved_at if draft else None,
    )
