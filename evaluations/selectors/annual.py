"""Annual results and their use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import UnitRole

from .. import rules
from ..models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    AnnualResult,
    DemocraticSummary,
    EvaluationSettings,
    FollowUp,
    FollowUpKind,
    Grade,
    GradeChange,
    LastPlaceComparison,
    Period,
    PeriodKind,
    PeriodState,
    ProblemCount,
    QuarterlyResult,
    UnitSheetTally,
)
from .last_place import last_place_bases, last_place_streaks
from .quarterly import filter_by_person_and_place

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def annual_queryset(period: Period, filters: Mapping[str, Any] | None = None) -> QuerySet[AnnualResult]:
    filters = filters or {}
    rows: QuerySet[AnnualResult] = AnnualResult.objects.filter(period=period).select_related(
        "cadre", "unit", "rank", "grade_confirmed_by"
    )
    rows = filter_by_person_and_place(rows, filters)
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
    changes: list[GradeChange]

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
    shown = summary is not None and rules.may_show_count(summary.rater_count, settings)
    dimensions = [
        (str(d.label), summary.dimension_average(d) if summary is not None and shown else None) for d in DIMENSIONS
    ]
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
    label: StrOrPromise
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
        follow_up_kind = rules.follow_up_kind(streak.consecutive) if streak else None
        if streak and follow_up_kind:
            kind_label = FollowUpKind(follow_up_kind).label
            numbers = {
                "year": year,
                "position": result.rank_in_unit,
                "size": result.unit_size,
                "n": streak.consecutive,
                "years": "、".join(map(str, sorted(streak.years))),
            }
            if streak.scope == "unit":
                last_facts = (
                    _("%(year)s 年度单位内第 %(position)s 名（共 %(size)s 人，末位），连续 %(n)s 年末位（%(years)s）")
                    % numbers
                )
            else:
                last_facts = _(
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
            last_facts += " → " + str(kind_label)
            flags.append(
                Flag(
                    "last_place",
                    FLAG_KINDS["last_place"],
                    result,
                    "rule-last-place",
                    last_facts,
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
    year: int | None = AnnualResult.objects.filter(annual_score__isnull=False).aggregate(year=Max("year"))["year"]
    return year


def available_years() -> list[int]:
    years = set(AnnualResult.objects.values_list("year", flat=True).distinct())
    years |= set(Period.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)
