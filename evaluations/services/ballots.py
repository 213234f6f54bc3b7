"""A rater's sheets: save a draft, submit once (rules.md §4 ballot and anonymity)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cadres.models import Cadre, Unit

from .. import rules
from ..errors import AlreadySubmitted, NotOpen, SheetRuleBroken
from ..inputs import SheetInput
from ..lines import SheetLine, sheet_lines
from ..models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    EvaluationSettings,
    Period,
    PeriodState,
    SheetAssignment,
    SheetDraft,
    SheetSource,
    SheetSubmission,
)
from .box import box_seal, draft_seal, sheet_payload
from .figures import completion_count_submission


@dataclass(frozen=True)
class ValidSheet:
    """A sheet that passed every rule, ready to store anonymously."""

    scores: dict[int, int] = field(default_factory=dict)
    dimensions: dict[int, dict[str, int]] = field(default_factory=dict)
    problems: dict[int, list[str]] = field(default_factory=dict)
    team_problems: list[str] = field(default_factory=list)


def validate_sheet(
    *, period: Period, unit: Unit, lines: Sequence[SheetLine], data: SheetInput, complete: bool, label: str = ""
) -> ValidSheet:
    """Apply the scoring rules of the period's year and the unit's category; raise SheetRuleBroken."""
    settings = rules.settings_for(period.year, unit.category)
    if not period.is_annual:
        entries = [rules.Entry(line.ratee_id, _ratee(line).name, data.scores.get(line.ratee_id)) for line in lines]
        scores, broken = rules.check_sheet(entries, settings, complete=complete, label=label)
        if broken:
            raise SheetRuleBroken(broken)
        return ValidSheet(scores=scores)

    dimensions: dict[int, dict[str, int]] = {}
    problems: list[rules.SheetProblem] = []
    for dimension in DIMENSIONS:
        entries = [
            rules.Entry(
                line.ratee_id,
                f"{_ratee(line).name}（{dimension.label}）",
                data.dimensions.get(line.ratee_id, {}).get(dimension),
            )
            for line in lines
        ]
        # The forced band is a rule of the quarterly 360° sheets; democratic scores only keep the range.
        scores, found = rules.check_sheet(entries, without_band(settings), complete=complete, label=label)
        problems += found
        for ratee_id, score in scores.items():
            dimensions.setdefault(ratee_id, {})[dimension] = score
    if problems:
        raise SheetRuleBroken(_merge_missing(problems))
    allowed = {line.ratee_id for line in lines}
    return ValidSheet(
        dimensions=dimensions,
        problems={
            ratee: sorted({item for item in items if item in PERSON_PROBLEMS})
            for ratee, items in data.problems.items()
            if ratee in allowed
        },
        team_problems=sorted({item for item in data.team_problems if item in TEAM_PROBLEMS}),
    )


def _ratee(line: SheetLine) -> Cadre:
    """The ratee of a line from `sheet_lines`, which always loads it."""
    assert line.ratee is not None, "validate_sheet takes the lines of sheet_lines, with their ratees"
    return line.ratee


def without_band(settings: EvaluationSettings) -> EvaluationSettings:
    """The same settings with no forced band (democratic scores keep only the range)."""
    from copy import copy

    relaxed = copy(settings)
    relaxed.band_threshold = settings.score_max + 1
    return relaxed


def _merge_missing(problems: list[rules.SheetProblem]) -> list[rules.SheetProblem]:
    """One "not yet scored" message instead of one per dimension."""
    missing = [p for p in problems if p.rule == "missing"]
    others = [p for p in problems if p.rule != "missing"]
    return others + missing[:1]


# --- Rater's actions -------------------------------------------------------------------------


def _lock_period_shared(period_id: int | None) -> None:
    """FOR SHARE on the period: submissions run side by side, but a close or a computation waits
    for the ones in flight, and they wait for it, so no sheet lands after the period closed.
    None (no such assignment) locks nothing; the assignment's lookup that follows refuses it."""
    if connection.vendor == "postgresql":
        table = Period._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR SHARE', [period_id])  # noqa: S608


def _assignment_for(rater: Cadre, assignment_id: int, *, lock: bool) -> SheetAssignment:
    queryset = SheetAssignment.objects.select_related("period", "unit")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=assignment_id, rater=rater)


@transaction.atomic
def sheet_save_draft(*, assignment_id: int, rater: Cadre, data: SheetInput) -> SheetDraft:
    """Keep what the rater typed so far (range checked, band and completeness only on submit)."""
    _lock_period_shared(SheetAssignment.objects.filter(pk=assignment_id).values_list("period_id", flat=True).first())
    assignment = _assignment_for(rater, assignment_id, lock=True)
    if assignment.period.state != PeriodState.OPEN:
        raise NotOpen(assignment.period)
    if SheetSubmission.objects.filter(assignment=assignment).exists():
        raise AlreadySubmitted(assignment.unit.name)
    lines = sheet_lines(assignment)
    try:
        validate_sheet(period=assignment.period, unit=assignment.unit, lines=lines, data=data, complete=False)
    except SheetRuleBroken as error:
        # A draft may still break the band (the page counts it down); never the range.
        blocking = [p for p in error.problems if p.rule != "band"]
        if blocking:
            raise SheetRuleBroken(blocking) from None
    draft, _created = SheetDraft.objects.update_or_create(
        assignment=assignment, defaults={"sealed": draft_seal(assignment_id=assignment.pk, data=data.as_draft())}
    )
    return draft


def sheet_submit(*, assignment_id: int, rater: Cadre, data: SheetInput) -> str:
    """Submit a sheet once: it goes sealed into the box, the draft is deleted. Returns the receipt.

    Atomic; a double click or a second concurrent request raises AlreadySubmitted, and the
    one-to-one SheetSubmission key holds that even if the row lock were bypassed.
    """
    try:
        with transaction.atomic():
            period_id = SheetAssignment.objects.filter(pk=assignment_id).values_list("period_id", flat=True).first()
            if period_id is None:
                raise SheetAssignment.DoesNotExist
            _lock_period_shared(period_id)
            assignment = _assignment_for(rater, assignment_id, lock=True)
            if SheetSubmission.objects.filter(assignment=assignment).exists():
                raise AlreadySubmitted(assignment.unit.name)
            if assignment.period.state != PeriodState.OPEN:
                raise NotOpen(assignment.period)
            lines = sheet_lines(assignment)
            valid = validate_sheet(
                period=assignment.period, unit=assignment.unit, lines=lines, data=data, complete=True
            )
            with disable_auditlog():  # audited when the box opens, by day only (services/box.py)
                SheetSubmission.objects.create(assignment=assignment, submitted_on=timezone.localdate())
            completion_count_submission(period_id=assignment.period_id, unit_id=assignment.unit_id)
            receipt = store_sheet(
                period=assignment.period,
                unit=assignment.unit,
                source=SheetSource.ONLINE,
                groups={line.ratee_id: line.rater_group for line in lines},
                valid=valid,
            )
            SheetDraft.objects.filter(assignment=assignment).delete()
        return receipt
    except IntegrityError:
        if SheetSubmission.objects.filter(assignment_id=assignment_id).exists():
            raise AlreadySubmitted(
                SheetAssignment.objects.select_related("unit").get(pk=assignment_id).unit.name
            ) from None
        raise


def store_sheet(*, period: Period, unit: Unit, source: str, groups: Mapping[int, str], valid: ValidSheet) -> str:
    """Seal a validated sheet into the box (no rater, no time, no order); return its receipt."""
    payload = sheet_payload(
        source=source,
        groups=groups,
        scores=valid.scores,
        dimensions=valid.dimensions,
        problems=valid.problems,
        team_problems=valid.team_problems,
    )
    return box_seal(period=period, unit=unit, payload=payload)
