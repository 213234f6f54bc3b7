"""谁考察谁反馈: a unit's report of a year's published results, for its main leader, the main leader
of the unit above and org staff. Only published results; 反测评 counts under the anonymity threshold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from cadres.access import cadre_of, is_org_staff
from cadres.models import Unit, UnitRole
from evaluations import rules as evaluation_rules
from evaluations.models import (
    TEAM_PROBLEMS,
    AnnualResult,
    FollowUp,
    Grade,
    PeriodKind,
    PeriodState,
    ProblemCount,
    QuarterlyResult,
    UnitSheetTally,
)

from .models import UnitFeedbackNote


def may_read(user: Any, unit: Unit) -> bool:
    """Org staff; the unit's main leader; the main leader of the unit directly above."""
    if is_org_staff(user):
        return True
    own = cadre_of(user)
    if own is None or own.role != UnitRole.MAIN_LEADER:
        return False
    return own.unit_id == unit.pk or (unit.parent_id is not None and own.unit_id == unit.parent_id)


def get_unit_for_reader(user: Any, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not may_read(user, unit):
        raise Http404
    return unit


def readable_units(user: Any):
    if is_org_staff(user):
        return Unit.objects.order_by("sort_order", "name")
    own = cadre_of(user)
    if own is None or own.role != UnitRole.MAIN_LEADER:
        return Unit.objects.none()
    return Unit.objects.filter(pk=own.unit_id) | Unit.objects.filter(parent_id=own.unit_id)


@dataclass
class UnitReport:
    unit: Unit
    year: int
    annual: list[AnnualResult]
    quarters: list[tuple[int, list[QuarterlyResult]]]
    grades: list[tuple[str, int]]
    team_problems: list[tuple[str, int | None]]
    team_sheets: int
    team_shown: bool
    follow_ups: list[FollowUp]
    note: UnitFeedbackNote | None
    published: bool = field(default=False)


def unit_report(unit: Unit, year: int) -> UnitReport:
    annual = list(
        AnnualResult.objects.published()
        .filter(unit=unit, year=year)
        .select_related("cadre")
        .order_by("rank_in_unit", "cadre__code")
    )
    quarterly = (
        QuarterlyResult.objects.filter(
            unit=unit, period__year=year, period__kind=PeriodKind.QUARTERLY, period__state=PeriodState.PUBLISHED
        )
        .select_related("cadre", "period")
        .order_by("period__quarter", "rank_in_unit", "cadre__code")
    )
    quarters: dict[int, list[QuarterlyResult]] = {}
    for result in quarterly:
        quarters.setdefault(result.period.quarter, []).append(result)
    grades = [(str(g.label), sum(1 for r in annual if r.grade == g)) for g in Grade]
    period_id = next((r.period_id for r in annual if r.period_id), None)
    settings = evaluation_rules.settings_for(year, unit.category)
    tally = UnitSheetTally.objects.filter(period_id=period_id, unit=unit).first() if period_id else None
    sheets = tally.sheets if tally else 0
    shown = bool(period_id) and evaluation_rules.may_show_count(sheets, settings)
    counts = dict(
        ProblemCount.objects.filter(period_id=period_id, unit=unit).values_list("item", "count") if period_id else []
    )
    team = [(str(item.label), counts.get(item, 0) if shown else None) for item in TEAM_PROBLEMS]
    follow_ups = list(
        FollowUp.objects.filter(year=year, annual_result__in=[r.pk for r in annual]).select_related("cadre")
    )
    return UnitReport(
        unit=unit,
        year=year,
        annual=annual,
        quarters=sorted(quarters.items()),
        grades=grades,
        team_problems=team,
        team_sheets=sheets,
        team_shown=shown,
        follow_ups=follow_ups,
        note=UnitFeedbackNote.objects.filter(unit=unit, year=year).first(),
        published=bool(annual or quarters),
    )
