"""Admin of the inspection and decision. The 测 shows counts only (sealed sheets are not listed); the
full-process record is read-only here, as it is in the database."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import (
    DecisionMeeting,
    DisciplineOpinion,
    InspectionMember,
    InspectionPoll,
    InspectionSettings,
    PollTally,
    Probation,
    ProbationReview,
    ProcessEntry,
)


@admin.register(InspectionSettings)
class InspectionSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unclear_rule_enabled", "unclear_lookback_years", "quorum_percent", "pass_percent"]


@admin.register(InspectionMember)
class InspectionMemberAdmin(admin.ModelAdmin):
    list_display = ["selection", "user", "role", "added_at"]
    raw_id_fields = ["selection", "user", "added_by"]


@admin.register(InspectionPoll)
class InspectionPollAdmin(admin.ModelAdmin):
    list_display = ["selection", "expected", "sheets", "is_open", "is_closed"]
    readonly_fields = ["selection", "items", "expected", "sheets", "is_open", "is_closed", "receipts"]


@admin.register(PollTally)
class PollTallyAdmin(admin.ModelAdmin):
    list_display = ["poll", "candidate", "item", "level", "count"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DisciplineOpinion)
class DisciplineOpinionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "result", "given_by", "given_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DecisionMeeting)
class DecisionMeetingAdmin(admin.ModelAdmin):
    list_display = ["selection", "kind", "held_on", "members_total", "present", "has_vote"]


@admin.register(ProcessEntry)
class ProcessEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["selection", "seq", "step", "actor_name", "at", "corrects"]
    list_filter = ["step"]


class ProbationReviewInline(admin.TabularInline):
    model = ProbationReview
    extra = 0
    can_delete = False
    readonly_fields = ["action", "note", "previous_end", "new_end", "by", "at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Probation)
class ProbationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: probations start from a decision and change only through the review page."""

    list_display = ["cadre", "post", "start_date", "end_date", "original_end", "status"]
    list_filter = ["status"]
    search_fields = ["cadre__name", "cadre__code", "post"]
    inlines = [ProbationReviewInline]
