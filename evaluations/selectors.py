"""Reads of the evaluations app: what each page, the API and the exports need, in few queries.

Every group average leaves this module through rules.group_views, which hides groups below the
display threshold (and the one group that would give a hidden one away).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, ExpressionWrapper, F, FloatField, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.deductions import DeductionReport, deduction_report
from achievements.rules import last_day_of_window, records_final_deadline
from cadres.models import Cadre, Unit, UnitRole

from . import rules
from .models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    AnnualResult,
    BoxOpening,
    ComputationRun,
    DemocraticSummary,
    EvaluationSettings,
    FollowUp,
    FollowUpKind,
    Grade,
    GroupResult,
    LastPlaceComparison,
    PaperSheet,
    Period,
    PeriodKind,
    PeriodState,
    ProblemCount,
    QuarterlyResult,
    RaterGroup,
    ScoreDistribution,
    SealedSheet,
    SheetAssignment,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
    UnitGroupSpread,
    UnitSheetTally,
    half_up,
)
from .models import UnitCompletion as StoredCompletion
from .services.annual import last_place_bases, last_place_streaks
from .services.ballots import SheetInput

# --- A rater's sheets -----------------------------------------------------------------------


def my_sheets(cadre: Cadre) -> QuerySet[SheetAssignment]:
    """The rater's sheets of open periods first, then the latest closed ones."""
    return (
        SheetAssignment.objects.filter(rater=cadre)
        .exclude(period__state=PeriodState.DRAFT)
        .select_related("period", "unit")
        .annotate(
            ratee_count=Count("lines"),
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
    lines: list
    data: SheetInput
    settings: EvaluationSettings
    band_limit: int
    submitted: bool
    saved_at: Any = None


def sheet_page(assignment: SheetAssignment, data: SheetInput | None = None) -> SheetPage:
    # Only what the sheet shows of each ratee: whole cadre rows (with rank and unit) made loading
    # their dates and times a fifth of the page's time.
    lines = list(
        assignment.lines.select_related("ratee").only(
            "assignment_id", "ratee_id", "rater_group", "position", "ratee__name", "ratee__post_title", "ratee__role"
        )
    )
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


# --- Periods and completion ------------------------------------------------------------------


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
    progress: dict | None
    sealed: int = 0
    box_opening: BoxOpening | None = None

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.sheets) if self.sheets else 0


def period_overview(period: Period) -> PeriodOverview:
    from .services.scoring import run_progress

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
            ratee_count=Count("lines"),
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


# --- Quarterly results -----------------------------------------------------------------------


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


def _group_stats(period: Period, cadre_ids: Iterable[int]) -> dict[int, dict[str, tuple]]:
    stats: dict[int, dict[str, tuple]] = defaultdict(dict)
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


RESULT_SORTS = {
    "score": [F("score").desc(nulls_last=True), "cadre__code"],
    "unit": ["unit__sort_order", "unit__name", F("rank_in_unit").asc(nulls_last=True), "cadre__code"],
    "rank": ["rank__sort_order", F("rank_in_rank_level").asc(nulls_last=True), "cadre__code"],
    "code": ["cadre__code"],
}


def results_queryset(period: Period, filters: Mapping[str, Any] | None = None) -> QuerySet[QuarterlyResult]:
    filters = filters or {}
    rows = QuarterlyResult.objects.filter(period=period).select_related("cadre", "unit", "rank")
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("unit_name"):
        rows = rows.filter(unit__name__contains=filters["unit_name"])
    if filters.get("category"):
        rows = rows.filter(unit_category=filters["category"])
    if filters.get("rank"):
        rows = rows.filter(rank=filters["rank"])
    if filters.get("role"):
        rows = rows.filter(role=filters["role"])
    if filters.get("q"):
        rows = rows.filter(Q(cadre__name__contains=filters["q"]) | Q(cadre__code__iexact=filters["q"]))
    return rows.order_by(*RESULT_SORTS.get(filters.get("sort") or "score", RESULT_SORTS["score"]))


def score_distribution(results: QuerySet[QuarterlyResult], settings: EvaluationSettings) -> dict:
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
) -> dict:
    """The histogram for the results page: the one the computation stored for the whole period or
    a unit category; for finer filters, one GROUP BY over the filtered results."""
    if not any(filters.get(name) for name in FINE_FILTERS):
        stored = ScoreDistribution.objects.filter(period=period, category=filters.get("category") or "").first()
        if stored is not None:
            return stored.as_chart()
    return score_distribution(results, settings)


@dataclass(frozen=True)
class CompletionFigures:
    units: list[StoredCompletion]
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
) -> tuple[list[Unit], bool]:
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
        AnnualResult.objects.filter(cadre=cadre, is_published=True)
        .select_related("unit", "rank", "period")
        .order_by("year")
    )


def published_annual_grades(cadre_id: int, *, years: int) -> list[tuple[int, str]]:
    """The cadre's last `years` published annual grades, oldest first: (year, 等次 label).

    Results without a confirmed grade are left out; the appointment form prints these.
    """
    rows = (
        AnnualResult.objects.filter(cadre_id=cadre_id, is_published=True)
        .exclude(grade="")
        .order_by("-year")
        .values_list("year", "grade")[:years]
    )
    labels = dict(Grade.choices)
    return [(year, str(labels.get(grade, grade))) for year, grade in reversed(list(rows))]


# --- Rater quality (rules.md §9) -----------------------------------------------------------------


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


# --- Annual results and their use ----------------------------------------------------------------


def annual_queryset(period: Period, filters: Mapping[str, Any] | None = None) -> QuerySet[AnnualResult]:
    filters = filters or {}
    rows = AnnualResult.objects.filter(period=period).select_related("cadre", "unit", "rank", "grade_confirmed_by")
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
    if filters.get("grade") == "undecided":
        rows = rows.filter(grade="")
    elif filters.get("grade"):
        rows = rows.filter(grade=filters["grade"])
    return rows.order_by("unit__sort_order", "unit__name", F("rank_in_unit").asc(nulls_last=True), "cadre__code")


def annual_counts(period: Period) -> dict[str, int]:
    return AnnualResult.objects.filter(period=period).aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(grade="", annual_score__isnull=False)),
        proposed_excellent=Count("pk", filter=Q(proposed_grade=Grade.EXCELLENT)),
        excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
        ties=Count("pk", filter=Q(quota_tie=True, grade="")),
    )


@dataclass
class ProblemView:
    label: str
    count: int | None  # None when below the threshold


@dataclass
class AnnualExplanation:
    result: AnnualResult
    settings: EvaluationSettings
    democratic_shown: bool
    dimensions: list[tuple[str, Decimal | None]]
    problems: list[ProblemView]
    team_problems: list[ProblemView]
    team_sheets: int
    quarters: list[QuarterlyResult]
    changes: list

    @property
    def parts(self) -> list[tuple[str, Decimal, Decimal]]:
        """The parts of A that exist, with their weights (a missing part's weight is shared out)."""
        r = self.result
        candidates = [
            (_("民主测评"), r.democratic_score, r.democratic_weight),
            (_("单位年度考核"), r.unit_score, r.unit_weight),
            (_("季度平均"), r.quarterly_mean, r.quarterly_weight),
        ]
        return [(label, value, weight) for label, value, weight in candidates if value is not None and weight]

    @property
    def weight_total(self) -> Decimal:
        return sum((weight for _label, _value, weight in self.parts), Decimal(0))


def explain_annual(result: AnnualResult) -> AnnualExplanation:
    settings = rules.settings_for(result.year, result.unit_category)
    summary = (
        DemocraticSummary.objects.filter(period=result.period, cadre=result.cadre).first() if result.period else None
    )
    shown = bool(summary) and rules.may_show_count(summary.rater_count, settings)
    dimensions = [(str(d.label), summary.dimension_average(d) if shown else None) for d in DIMENSIONS]
    counts = {
        (c.cadre_id, c.unit_id, c.item): c
        for c in ProblemCount.objects.filter(period=result.period).filter(Q(cadre=result.cadre) | Q(unit=result.unit))
    }
    problems = [
        ProblemView(
            str(item.label),
            (counts[(result.cadre_id, None, item)].count if (result.cadre_id, None, item) in counts else 0)
            if shown
            else None,
        )
        for item in PERSON_PROBLEMS
    ]
    tally = UnitSheetTally.objects.filter(period=result.period, unit=result.unit).first() if result.period else None
    team_sheets = tally.sheets if tally else 0
    team_shown = result.role != UnitRole.STAFF and rules.may_show_count(team_sheets, settings)
    team_problems = [
        ProblemView(
            str(item.label),
            (counts[(None, result.unit_id, item)].count if (None, result.unit_id, item) in counts else 0)
            if team_shown
            else None,
        )
        for item in TEAM_PROBLEMS
    ]
    quarters = list(
        QuarterlyResult.objects.filter(
            cadre=result.cadre,
            period__kind=PeriodKind.QUARTERLY,
            period__year=result.year,
            period__state__in=[PeriodState.COMPUTED, PeriodState.PUBLISHED],
        )
        .select_related("period")
        .order_by("period__quarter")
    )
    return AnnualExplanation(
        result=result,
        settings=settings,
        democratic_shown=shown,
        dimensions=dimensions,
        problems=problems,
        team_problems=team_problems if result.role != UnitRole.STAFF else [],
        team_sheets=team_sheets,
        quarters=quarters,
        changes=list(result.grade_changes.select_related("changed_by")),
    )


@dataclass
class Flag:
    kind: str  # promotion, commendation, last_place
    label: str
    result: AnnualResult
    rule_anchor: str
    facts: str
    follow_up: FollowUp | None = None


FLAG_KINDS = {
    "promotion": gettext_lazy("可列为提拔人选"),
    "commendation": gettext_lazy("可推荐评先评优"),
    "last_place": gettext_lazy("单位末位"),
}


def _comparison_group_name(scope: str, result: AnnualResult) -> str:
    if scope == LastPlaceComparison.RANK_LEVEL:
        return _("全区同职级（%(rank)s）") % {"rank": result.rank.name}
    return _("同类别单位（%(category)s）") % {"category": result.get_unit_category_display()}


def last_place_basis_text(result: AnnualResult) -> str:
    """Which group the result's last place is judged in, and the position there (explanation page)."""
    basis = last_place_bases(result.year, result.year, published_only=result.is_published).get(result.pk)
    if basis is None or basis.position is None:
        return ""
    if basis.scope == "unit":
        text = _("末位判断范围：单位内，第 %(position)s 名，共 %(size)s 人。") % {
            "position": basis.position,
            "size": basis.size,
        }
    else:
        text = _(
            "末位判断范围：单位仅 %(unit_size)s 人（少于 %(limit)s 人），按%(group)s比较，"
            "第 %(position)s 名，共 %(size)s 人。"
        ) % {
            "unit_size": basis.unit_size,
            "limit": basis.small_unit_size,
            "group": _comparison_group_name(basis.scope, result),
            "position": basis.position,
            "size": basis.size,
        }
    return text + (str(_("为末位。")) if basis.is_last else "")


def use_of_results(year: int, *, unit_id: int | None = None, kind: str = "") -> list[Flag]:
    """rules.md §5 flags for a year's annual results, each with the rule and the numbers behind it."""
    results = list(
        AnnualResult.objects.filter(year=year, annual_score__isnull=False)
        .select_related("cadre", "unit", "rank")
        .order_by("unit__sort_order", "unit__name", "rank_in_unit", "cadre__code")
    )
    table = rules.settings_table(year)
    lookback = max((s.excellent_lookback_years for s in table.values()), default=3)
    excellent_years: dict[int, list[int]] = defaultdict(list)
    for cadre_id, result_year in AnnualResult.objects.filter(
        year__gt=year - lookback, year__lte=year, grade=Grade.EXCELLENT
    ).values_list("cadre_id", "year"):
        excellent_years[cadre_id].append(result_year)
    streaks = last_place_streaks(year, published_only=False)
    follow_ups = {f.cadre_id: f for f in FollowUp.objects.filter(year=year)}
    flags: list[Flag] = []
    for result in results:
        if unit_id and result.unit_id != unit_id:
            continue
        settings = table[result.unit_category]
        rank_text = _("%(year)s 年度得分 %(score)s，同职级（%(rank)s）第 %(position)s 名，共 %(size)s 人") % {
            "year": year,
            "score": result.annual_score,
            "rank": result.rank.name,
            "position": result.rank_in_rank_level,
            "size": result.rank_level_size,
        }
        recent = sorted(
            y for y in excellent_years[result.cadre_id] if year - settings.excellent_lookback_years < y <= year
        )
        top_promotion = rules.in_top_share(
            result.rank_in_rank_level, result.rank_level_size, settings.promotion_top_percent
        )
        if top_promotion or recent:
            facts = [rank_text] if top_promotion else []
            if recent:
                facts.append(
                    _("近 %(n)s 年优秀：%(years)s 年")
                    % {"n": settings.excellent_lookback_years, "years": "、".join(map(str, recent))}
                )
            flags.append(Flag("promotion", FLAG_KINDS["promotion"], result, "rule-promotion", "；".join(facts)))
        if rules.in_top_share(result.rank_in_rank_level, result.rank_level_size, settings.commendation_top_percent):
            flags.append(Flag("commendation", FLAG_KINDS["commendation"], result, "rule-commendation", rank_text))
        streak = streaks.get(result.cadre_id)
        if streak:
            kind_label = FollowUpKind(rules.follow_up_kind(streak.consecutive)).label
            numbers = {
                "year": year,
                "position": result.rank_in_unit,
                "size": result.unit_size,
                "n": streak.consecutive,
                "years": "、".join(map(str, sorted(streak.years))),
            }
            if streak.scope == "unit":
                facts = (
                    _("%(year)s 年度单位内第 %(position)s 名（共 %(size)s 人，末位），连续 %(n)s 年末位（%(years)s）")
                    % numbers
                )
            else:
                facts = _(
                    "%(year)s 年度单位仅 %(unit_size)s 人，按%(group)s比较：第 %(position)s 名"
                    "（共 %(size)s 人，末位），连续 %(n)s 年末位（%(years)s）"
                ) % (
                    numbers
                    | {
                        "unit_size": result.unit_size,
                        "group": _comparison_group_name(streak.scope, result),
                        "position": streak.position,
                        "size": streak.size,
                    }
                )
            facts += " → " + str(kind_label)
            flags.append(
                Flag(
                    "last_place",
                    FLAG_KINDS["last_place"],
                    result,
                    "rule-last-place",
                    facts,
                    follow_ups.get(result.cadre_id),
                )
            )
    if kind:
        flags = [f for f in flags if f.kind == kind]
    return flags


def follow_ups(*, status: str = "", year: int | None = None) -> QuerySet[FollowUp]:
    rows = FollowUp.objects.select_related("cadre", "annual_result__unit", "closed_by")
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("status", "-year", "cadre__code")


def latest_annual_results_year() -> int | None:
    """The use-of-results page opens on this year: the last one that has computed annual results."""
    return AnnualResult.objects.filter(annual_score__isnull=False).aggregate(year=Max("year"))["year"]


def available_years() -> list[int]:
    years = set(AnnualResult.objects.values_list("year", flat=True).distinct())
    years |= set(Period.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)
