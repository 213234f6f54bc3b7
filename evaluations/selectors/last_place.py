"""Use of results (rules.md §5): who is last, where that is judged, and for how many years."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from cadres.models import UnitCategory

from .. import rules
from ..models import FIRST_YEAR, AnnualResult, LastPlaceComparison
from .periods import unit_is_small


@dataclass(frozen=True)
class LastPlace:
    cadre_id: int
    result_id: int
    consecutive: int
    years: list[int]
    # Where this year's last place was judged: "unit", or a LastPlaceComparison for a small unit.
    scope: str = "unit"
    position: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class LastPlaceBasis:
    """How one annual result is judged for last place: in its unit, or (a small unit) in a wider group."""

    scope: str  # "unit" or a LastPlaceComparison value
    position: int | None
    size: int | None
    is_last: bool
    unit_size: int | None
    small_unit_size: int
    group_name: str = ""


ComparisonKey = tuple[int, str, int | str]


def _comparison_key(row_year: int, scope: str, rank_id: int, category: str) -> ComparisonKey:
    return (row_year, scope, rank_id if scope == LastPlaceComparison.RANK_LEVEL else category)


def last_place_bases(year_from: int, year: int, *, published_only: bool = True) -> dict[int, LastPlaceBasis]:
    """By annual result id: where its last place is judged and its position there.

    A unit with fewer cadres than the small-unit size (a setting) says little about who is last in
    it, so its cadres are compared within a wider group (setting: the rank level across the
    district, or the unit category): last there means the lowest annual score of the group.
    """
    rows = AnnualResult.objects.filter(year__gte=year_from, year__lte=year, rank_in_unit__isnull=False)
    if published_only:
        rows = rows.published()
    data = list(
        rows.values_list(
            "pk",
            "year",
            "unit_id",
            "rank_in_unit",
            "unit_size",
            "unit_category",
            "rank_id",
            "rank__name",
            "annual_score",
        )
    )
    tables = {y: rules.settings_table(y) for y in {row[1] for row in data}}
    worst: dict[tuple[int, int], int] = defaultdict(int)
    groups: dict[ComparisonKey, list[Decimal]] = defaultdict(list)
    for _pk, row_year, unit_id, rank, _size, category, rank_id, _name, score in data:
        if rank is not None:  # always: the query asks for ranked rows
            worst[(row_year, unit_id)] = max(worst[(row_year, unit_id)], rank)
        if score is not None:
            for scope in LastPlaceComparison.values:
                groups[_comparison_key(row_year, scope, rank_id, category)].append(score)
    bases = {}
    for pk, row_year, unit_id, rank, size, category, rank_id, rank_name, score in data:
        settings = tables[row_year][category or ""]
        if unit_is_small(size, settings) and score is not None:
            scope = settings.last_place_comparison
            scores = groups[_comparison_key(row_year, scope, rank_id, category)]
            position = 1 + sum(1 for other in scores if other > score)
            lowest, highest = min(scores), max(scores)
            name = rank_name if scope == LastPlaceComparison.RANK_LEVEL else str(UnitCategory(category).label)
            bases[pk] = LastPlaceBasis(
                scope, position, len(scores), score == lowest and highest > lowest, size, settings.small_unit_size, name
            )
        else:
            last = (size or 0) >= 2 and rank is not None and rules.is_last_place(rank, worst[(row_year, unit_id)])
            bases[pk] = LastPlaceBasis("unit", rank, size, last, size, settings.small_unit_size)
    return bases


def last_place_streaks(year: int, *, published_only: bool = True) -> dict[int, LastPlace]:
    """Cadres last in `year`, with how many years in a row (any unit, ties at the bottom included).

    Last in the unit, or for a small unit last in its comparison group (see last_place_bases).
    """
    bases = last_place_bases(FIRST_YEAR, year, published_only=published_only)
    rows = AnnualResult.objects.filter(pk__in=[pk for pk, basis in bases.items() if basis.is_last])
    last_years: dict[int, set[int]] = defaultdict(set)
    this_year: dict[int, int] = {}
    for pk, cadre_id, row_year in rows.values_list("pk", "cadre_id", "year"):
        last_years[cadre_id].add(row_year)
        if row_year == year:
            this_year[cadre_id] = pk
    streaks = {}
    for cadre_id, result_id in this_year.items():
        years = []
        current = year
        while current in last_years[cadre_id]:
            years.append(current)
            current -= 1
        basis = bases[result_id]
        streaks[cadre_id] = LastPlace(cadre_id, result_id, len(years), years, basis.scope, basis.position, basis.size)
    return streaks
