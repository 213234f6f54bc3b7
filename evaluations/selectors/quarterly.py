"""Quarterly results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Exists, ExpressionWrapper, F, FloatField, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import OrderBy
from django.db.models.functions import Floor

from achievements.deductions import DeductionReport, deduction_report
from cadres.models import Cadre, Unit

from .. import rules
from ..models import (
    AnnualResult,
    EvaluationSettings,
    Grade,
    GroupResult,
    Period,
    PeriodState,
    QuarterlyResult,
    ScoreDistribution,
)
from ..models import UnitCompletion as StoredCompletion

R = TypeVar("R", bound=Model)


@dataclass
class ResultRow:
    result: QuarterlyResult
    groups: list[rules.GroupView]
    # Fewer raters in all than the display threshold: the score itself says much about them.
    insufficient: bool = False

    def group(self, name: str) -> rules.GroupView:
        return next(g for g in self.groups if g.group == name)

    @property
    def leader(self) -> rules.GroupView:
        return self.group("leader")

    @property
    def peer(self) -> rules.GroupView:
        return self.group("peer")

    @property
    def other(self) -> rules.GroupView:
        return self.group("other")


GroupStats = tuple[int, int, Decimal | None, bool]


def _group_stats(period: Period, cadre_ids: Iterable[int]) -> dict[int, dict[str, GroupStats]]:
    stats: dict[int, dict[str, GroupStats]] = defaultdict(dict)
    for row in GroupResult.objects.filter(period=period, cadre_id__in=list(cadre_ids)):
        stats[row.cadre_id][row.rater_group] = (row.rater_count, row.used_count, row.average, row.dropped_extremes)
    return stats


def result_rows(period: Period, results: Iterable[QuarterlyResult]) -> list[ResultRow]:
    """Results with the group averages that may be shown (two queries for any number of rows)."""
    results = list(results)
    table = rules.settings_table(period.year)
    stats = _group_stats(period, (r.cadre_id for r in results))
    return [
        ResultRow(
            r,
            rules.group_views(stats.get(r.cadre_id, {}), table[r.unit_category]),
            insufficient=0 < r.rater_count < table[r.unit_category].display_threshold,
        )
        for r in results
    ]


RESULT_SORTS: dict[str, list[str | OrderBy]] = {
    "score": [F("score").desc(nulls_last=True), "cadre__code"],
    "unit": ["unit__sort_order", "unit__name", F("rank_in_unit").asc(nulls_last=True), "cadre__code"],
    "rank": ["rank__sort_order", F("rank_in_rank_level").asc(nulls_last=True), "cadre__code"],
    "code": ["cadre__code"],
}


def filter_by_person_and_place(rows: QuerySet[R], filters: Mapping[str, Any]) -> QuerySet[R]:
    """The filters quarterly and annual result lists share: unit, part of its name, rank, role, name or code."""
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("unit_name"):
        rows = rows.filter(unit__name__contains=filters["unit_name"])
    if filters.get("rank"):
        rows = rows.filter(rank=filters["rank"])
    if filters.get("role"):
        rows = rows.filter(role=filters["role"])
    if filters.get("q"):
        rows = rows.filter(Q(cadre__name__contains=filters["q"]) | Q(cadre__code__iexact=filters["q"]))
    return rows


def results_queryset(period: Period, filters: Mapping[str, Any] | None = None) -> QuerySet[QuarterlyResult]:
    filters = filters or {}
    rows = QuarterlyResult.objects.filter(period=period).select_related("cadre", "unit", "rank")
    if filters.get("category"):
        rows = rows.filter(unit_category=filters["category"])
    rows = filter_by_person_and_place(rows, filters)
    return rows.order_by(*RESULT_SORTS.get(filters.get("sort") or "score", RESULT_SORTS["score"]))


def score_distribution(results: QuerySet[QuarterlyResult], settings: EvaluationSettings) -> dict[str, Any]:
    """Counts of scores per 2-point bin from the lowest ballot score (the score_min setting) to the maximum.

    The axis starts at the scale's own minimum, not at 0 (25 bins nobody can fall in) nor at an
    arbitrary 10 below it; only a score that deductions pushed below the minimum extends it.
    One GROUP BY in the database (2-point bins of even start), whatever the number of results.
    """
    found = {
        int(row["b"]) * 2: row["n"]
        for row in results.filter(score__isnull=False)
        .order_by()
        .values(b=Floor(F("score") / 2))
        .annotate(n=Count("pk"))
    }
    return score_histogram(found, settings)


def score_histogram(found: Mapping[int, int], settings: EvaluationSettings) -> dict[str, Any]:
    """The histogram from counts per 2-point bin (keyed by the bin's even start)."""
    low = min([settings.score_min, *found]) if found else settings.score_min
    low -= low % 2
    high = settings.score_max
    bins = list(range(low, high + 1, 2))
    counts = [0] * len(bins)
    for start, n in found.items():
        counts[min(max((start - low) // 2, 0), len(bins) - 1)] += n
    labels = [f"{b}–{min(b + 2, high)}" if b < high else str(high) for b in bins]
    return {"labels": labels, "counts": counts, "total": sum(counts)}


FINE_FILTERS = ("unit", "unit_name", "rank", "role", "q")


def results_distribution(
    period: Period, filters: Mapping[str, Any], results: QuerySet[QuarterlyResult], settings: EvaluationSettings
) -> dict[str, Any]:
    """The histogram for the results page: the one the computation stored for the whole period or
    a unit category; for finer filters, one GROUP BY over the filtered results."""
    if not any(filters.get(name) for name in FINE_FILTERS):
        stored = ScoreDistribution.objects.filter(period=period, category=filters.get("category") or "").first()
        if stored is not None:
            return stored.as_chart()
    return score_distribution(results, settings)


@dataclass(frozen=True)
class CompletionFigures:
    units: Sequence[StoredCompletion]
    unit_count: int
    sheets: int
    submitted: int


def completion_figures(period: Period, *, limit: int = 30) -> CompletionFigures:
    """The stored completion of the units with the lowest rates, and the totals (two queries)."""
    rows = StoredCompletion.objects.filter(period=period)
    totals = rows.aggregate(units=Count("pk"), sheets=Sum("sheets"), submitted=Sum("submitted"))
    lowest = list(
        rows.select_related("unit")
        .alias(share=ExpressionWrapper(F("submitted") * 1.0 / F("sheets"), output_field=FloatField()))
        .order_by("share", "unit__sort_order", "unit__name")[:limit]
    )
    return CompletionFigures(lowest, totals["units"], totals["sheets"] or 0, totals["submitted"] or 0)


def unit_picker(
    *, parent_id: int | None = None, q: str = "", limit: int = 50, offset: int = 0
) -> tuple[Sequence[Unit], bool]:
    """Units for the tree picker: one level (the roots, or a unit's children) or a name search,
    a page at a time, each marked with whether it has children. Returns (units, more)."""
    units = Unit.objects.annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))
    units = units.filter(name__contains=q) if q else units.filter(parent_id=parent_id)
    page = list(units.order_by("sort_order", "name", "pk")[offset : offset + limit + 1])
    return page[:limit], len(page) > limit


@dataclass
class QuarterlyExplanation:
    result: QuarterlyResult
    settings: EvaluationSettings
    groups: list[rules.GroupView]
    weight_total: Decimal
    deductions: DeductionReport | None
    log_deduction: Decimal
    summary_deduction: Decimal
    trend: list[QuarterlyResult] = field(default_factory=list)

    @property
    def insufficient(self) -> bool:
        return 0 < self.result.rater_count < self.settings.display_threshold

    @property
    def nonempty(self) -> list[rules.GroupView]:
        return [g for g in self.groups if g.used_count]

    @property
    def hidden_groups(self) -> list[rules.GroupView]:
        return [g for g in self.groups if g.used_count and not g.shown]


def explain_quarterly(result: QuarterlyResult, *, with_days: bool = True) -> QuarterlyExplanation:
    period = result.period
    settings = rules.settings_for(period.year, result.unit_category)
    groups = rules.group_views(_group_stats(period, [result.cadre_id]).get(result.cadre_id, {}), settings)
    weight_total = sum((g.weight for g in groups if g.used_count), Decimal(0))
    report = None
    if with_days and period.computed_at:
        report = deduction_report(
            cadre=result.cadre, year=period.year, quarter=period.quarter, as_of=period.computed_at
        )
    return QuarterlyExplanation(
        result=result,
        settings=settings,
        groups=groups,
        weight_total=weight_total,
        deductions=report,
        log_deduction=result.missing_log_days * result.log_deduction_rate,
        summary_deduction=result.summary_deduction_rate if result.missing_summary else Decimal("0"),
    )


def my_quarterly_results(cadre: Cadre) -> list[QuarterlyResult]:
    return list(
        QuarterlyResult.objects.filter(cadre=cadre, period__state=PeriodState.PUBLISHED)
        .select_related("period", "unit", "rank")
        .order_by("period__year", "period__quarter")
    )


def my_annual_results(cadre: Cadre) -> list[AnnualResult]:
    return list(
        AnnualResult.objects.published().filter(cadre=cadre).select_related("unit", "rank", "period").order_by("year")
    )


def published_annual_grades(cadre_id: int, *, years: int) -> list[tuple[int, str]]:
    """The cadre's last `years` published annual grades, oldest first: (year, 等次 label).

    Results without a confirmed grade are left out; the appointment form prints these.
    """
    rows = (
        AnnualResult.objects.published()
        .filter(cadre_id=cadre_id)
        .exclude(grade="")
        .order_by("-year")
        .values_list("year", "grade")[:years]
    )
    labels = dict(Grade.choices)
    return [(year, str(labels.get(grade, grade))) for year, grade in reversed(list(rows))]
