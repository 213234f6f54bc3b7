"""Django admin for the evaluations app (system administrators).

Deliberately absent: the ballot box (SealedSheet, BoxOpening), the opened ballots (RateeScores,
DemocraticScore, ProblemTick, SheetQuality, UnitGroupSpread, UnitSheetTally), SheetDraft (a
rater's unsubmitted scores, sealed), GroupResult, DemocraticSummary and ProblemCount
(aggregates whose display must follow the anonymity threshold, which only the product pages
apply). Results are read-only here: they are produced by the computation, never typed in.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .models import (
    AnnualResult,
    ComputationRun,
    EvaluationSettings,
    EvaluatorScope,
    FollowUp,
    GradeChange,
    Period,
    QuarterlyResult,
    SheetAssignment,
    UnitAnnualScore,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "unit_category", "leader_weight", "peer_weight", "other_weight", "display_threshold"]
    list_filter = ["year", "unit_category"]


@admin.register(EvaluatorScope)
class EvaluatorScopeAdmin(admin.ModelAdmin):
    list_display = ["unit", "note", "updated_at"]
    autocomplete_fields = ["unit", "superior_evaluators", "external_evaluators"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "state", "deadline", "opened_at", "closed_at", "computed_at", "published_at"]
    list_filter = ["kind", "state", "year"]


@admin.register(SheetAssignment)
class SheetAssignmentAdmin(ReadOnlyAdmin):
    """Who was asked to rate which unit, and whether they submitted — never what."""

    list_display = ["period", "rater", "unit", "submitted"]
    list_filter = ["period"]
    search_fields = ["rater__name", "rater__code", "unit__name"]
    list_select_related = ["period", "rater", "unit", "submission"]
    fields = ["period", "rater", "unit", "superior", "external", "ratee_count"]

    @admin.display(boolean=True, description=_("已提交"))
    def submitted(self, obj):
        return hasattr(obj, "submission")


@admin.register(ComputationRun)
class ComputationRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "status", "requested_by", "requested_at", "started_at", "finished_at", "attempts"]
    list_filter = ["status"]


@admin.register(QuarterlyResult)
class QuarterlyResultAdmin(ReadOnlyAdmin):
    list_display = ["period", "cadre", "unit", "rank", "deduction", "score", "rank_in_unit", "rank_in_rank_level"]
    list_filter = ["period", "unit_category", "rank"]
    search_fields = ["cadre__name", "cadre__code"]
    list_select_related = ["period", "cadre", "unit", "rank"]


@admin.register(AnnualResult)
class AnnualResultAdmin(ReadOnlyAdmin):
    list_display = ["year", "cadre", "unit", "annual_score", "rank_in_unit", "proposed_grade", "grade", "is_published"]
    list_filter = ["year", "grade", "is_published"]
    search_fields = ["cadre__name", "cadre__code"]
    list_select_related = ["cadre", "unit"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["result", "before", "after", "changed_by", "changed_at"]


@admin.register(UnitAnnualScore)
class UnitAnnualScoreAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "score", "updated_by", "updated_at"]
    list_filter = ["year"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["year", "cadre", "kind", "status", "closed_by", "closed_at"]
    list_filter = ["year", "kind", "status"]
