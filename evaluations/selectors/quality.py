"""Rater quality (rules.md §9)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from .. import rules
from ..models import (
    Period,
    RaterGroup,
    SheetQuality,
    UnitGroupSpread,
    half_up,
)


@dataclass
class GroupSpread:
    unit_name: str
    group_label: str
    sheets: int
    scores: int
    mean: Decimal | None
    spread: Decimal | None
    low: int | None
    high: int | None
    shown: bool


def quality(period: Period) -> tuple[QuerySet[SheetQuality], list[GroupSpread]]:
    """Flagged sheets (random id, unit, mean, distance, flags) and each unit's per-group spread."""
    flags = (
        SheetQuality.objects.filter(period=period)
        .filter(Q(is_flat=True) | Q(is_outlier=True))
        .select_related("unit")
        .order_by("unit__sort_order", "unit__name", "id")
    )
    table = rules.settings_table(period.year)
    spreads = []
    for row in (
        UnitGroupSpread.objects.filter(period=period)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__name", "rater_group")
    ):
        shown = rules.may_show_count(row.sheets, table[row.unit.category])
        mean = Decimal(row.total) / row.scores
        variance = max(Decimal(row.squares) / row.scores - mean * mean, Decimal(0))
        spreads.append(
            GroupSpread(
                unit_name=row.unit.name,
                group_label=str(RaterGroup(row.rater_group).label),
                sheets=row.sheets,
                scores=row.scores,
                mean=half_up(mean) if shown else None,
                spread=half_up(variance.sqrt()) if shown else None,
                low=row.low if shown else None,
                high=row.high if shown else None,
                shown=shown,
            )
        )
    return flags, spreads
