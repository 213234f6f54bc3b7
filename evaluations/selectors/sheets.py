"""A rater's sheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet

from cadres.models import Cadre

from .. import rules, sheet_cache
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
    # Quarterly sheets: the start of each ratee's row (escaped), by ratee id, from the cache.
    heads: dict[int, str] = field(default_factory=dict)


def _sheet_state(assignment: SheetAssignment) -> tuple[bool, SheetDraft | None]:
    """Whether the sheet was submitted, and its draft: read with the sheet where it was looked up
    for its rater (`access.get_assignment_for_rater`), else one query."""
    if hasattr(assignment, "is_submitted"):
        submitted = assignment.is_submitted
        sealed, saved_at = getattr(assignment, "draft_sealed", None), getattr(assignment, "draft_saved_at", None)
    else:
        submitted, sealed, saved_at = (
            SheetAssignment.objects.filter(pk=assignment.pk)
            .annotate(submitted=Exists(SheetSubmission.objects.filter(assignment=OuterRef("pk"))))
            .values_list("submitted", "draft__sealed", "draft__saved_at")
            .get()
        )
    if sealed is None or saved_at is None:  # a draft always has both
        return submitted, None
    return submitted, SheetDraft(assignment_id=assignment.pk, sealed=bytes(sealed), saved_at=saved_at)


def sheet_page(assignment: SheetAssignment, data: SheetInput | None = None) -> SheetPage:
    """A rater's sheet as the page shows it. Quarterly sheets read their ratees' rows and settings
    from the cache (`sheet_cache`) and work out their lines from them; the rater's values come from
    `data` (what was just typed) or the sealed draft, never from a cache."""
    period = assignment.period
    heads: dict[int, str] = {}
    if period.is_annual:
        lines = sheet_lines(assignment)
        settings = rules.settings_for(period.year, assignment.unit.category)
    else:
        frame = sheet_cache.sheet_frame(
            snapshot_id=period.snapshot_id,
            unit_id=assignment.unit_id,
            year=period.year,
            unit_category=assignment.unit.category,
        )
        settings, heads = frame.settings, frame.heads
        lines = [
            SheetLine(ratee_id, group, position)
            for ratee_id, group, position in rules.sheet_lines(
                frame.members, assignment.rater_id, superior=assignment.superior, external=assignment.external
            )
        ]
    submitted, draft = _sheet_state(assignment)
    if data is None:
        data = SheetInput.from_draft(draft.data) if draft else SheetInput()
    return SheetPage(
        assignment=assignment,
        lines=lines,
        data=data,
        settings=settings,
        band_limit=rules.band_limit(len(lines), settings),
        submitted=submitted,
        saved_at=draft.saved_at if draft else None,
        heads=heads,
    )
