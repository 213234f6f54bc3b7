"""The lines of a sheet: whom a rater rates on it, in which rater group, in which order.

Lines are not stored. A sheet row (`SheetAssignment`) names the rater and the unit and keeps
whether the unit's evaluator scope named the rater a superior or an external evaluator when the
period opened; the unit's members come from the period's membership snapshot, which never
changes. `rules.sheet_lines` turns the two into the lines, exactly as `rules.unit_sheets` (the
reference the opening is tested against) would have them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Subquery

from cadres.models import Cadre, SnapshotMember

from . import rules
from .models import Period, SheetAssignment


class SheetLine(NamedTuple):
    """A ratee on a sheet, with the rater's group relative to that ratee and its place on the sheet."""

    ratee_id: int
    rater_group: str
    position: int
    ratee: Cadre | None = None


def _snapshot_of(assignment: SheetAssignment) -> int | Subquery:
    if SheetAssignment.period.is_cached(assignment):
        return assignment.period.snapshot_id
    # No query of its own: the members' query reads the period's snapshot as a subquery.
    return Subquery(Period.objects.filter(pk=assignment.period_id).values("snapshot_id")[:1])


def sheet_lines(assignment: SheetAssignment) -> list[SheetLine]:
    """One sheet's lines with their ratees (rank and unit loaded): one query."""
    rows = list(
        SnapshotMember.objects.filter(snapshot_id=_snapshot_of(assignment), unit_id=assignment.unit_id).select_related(
            "cadre__rank", "cadre__unit"
        )
    )
    members = {m.cadre_id: m.cadre for m in rows}
    ordered = rules.ratee_order(rules.Member(m.cadre_id, m.role, m.cadre.code) for m in rows)
    return [
        SheetLine(ratee_id, group, position, members[ratee_id])
        for ratee_id, group, position in rules.sheet_lines(
            ordered, assignment.rater_id, superior=assignment.superior, external=assignment.external
        )
    ]


def unit_members(snapshot_id: int, unit_id: int) -> list[rules.Member]:
    """A unit's members in the snapshot, in sheet order (ids, roles and codes only)."""
    rows = SnapshotMember.objects.filter(snapshot_id=snapshot_id, unit_id=unit_id).values_list(
        "cadre_id", "role", "cadre__code"
    )
    return rules.ratee_order(rules.Member(pk, role, code) for pk, role, code in rows)


def unit_sheet_lines(ordered: list[rules.Member], assignments: Iterable[SheetAssignment]) -> dict[int, list[SheetLine]]:
    """The lines of many sheets of one unit (no ratees loaded): sheet id → lines, no query."""
    return {
        a.pk: [
            SheetLine(ratee_id, group, position)
            for ratee_id, group, position in rules.sheet_lines(
                ordered, a.rater_id, superior=a.superior, external=a.external
            )
        ]
        for a in assignments
    }
