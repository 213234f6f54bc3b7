"""Admin of selection work. The anonymous votes show counts only; voters show only "has voted"."""

from django.contrib import admin

from .models import (
    Application,
    ApprovedPost,
    Candidate,
    Nomination,
    ReserveEntry,
    RoundFeedback,
    Selection,
    SelectionSettings,
    UnitRecommendation,
    VoteCount,
    VoteEvent,
)


@admin.register(SelectionSettings)
class SelectionSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "round1_top_k", "round2_top_m", "min_attendance_percent", "min_vote_percent"]


@admin.register(ApprovedPost)
class ApprovedPostAdmin(admin.ModelAdmin):
    list_display = ["unit", "title", "tier", "count", "document_number"]
    list_filter = ["tier", "unit"]


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    raw_id_fields = ["cadre", "reserve_exception_by"]


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ["title", "post", "method", "rounds", "state", "quota_exception_document"]
    list_filter = ["state", "method"]
    raw_id_fields = ["round1_voters", "created_by", "quota_exception_by"]
    inlines = [CandidateInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["selection", "cadre", "qualified", "created_at"]
    raw_id_fields = ["cadre"]


@admin.register(UnitRecommendation)
class UnitRecommendationAdmin(admin.ModelAdmin):
    list_display = ["selection", "unit", "cadre", "document_number", "recorded_at"]
    raw_id_fields = ["cadre", "recorded_by"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["selection", "nominator", "nominee", "signed_at"]
    raw_id_fields = ["nominator", "nominee"]


class VoteCountInline(admin.TabularInline):
    model = VoteCount
    extra = 0
    can_delete = False
    readonly_fields = ["candidate", "votes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VoteEvent)
class VoteEventAdmin(admin.ModelAdmin):
    list_display = ["selection", "kind", "mode", "expected", "actual", "is_open", "is_closed"]
    readonly_fields = ["actual"]
    inlines = [VoteCountInline]


@admin.register(ReserveEntry)
class ReserveEntryAdmin(admin.ModelAdmin):
    list_display = ["cadre", "tier", "source", "entered_on", "review_on", "is_active"]
    list_filter = ["tier", "source", "is_active"]
    raw_id_fields = ["cadre", "recorded_by", "selection"]


@admin.register(RoundFeedback)
class RoundFeedbackAdmin(admin.ModelAdmin):
    list_display = ["selection", "name", "created_at"]


from . import inspection_admin  # noqa: E402, F401  (part 2's models)
