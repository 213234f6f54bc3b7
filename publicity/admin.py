"""Django admin for 任前公示: the system admin sees notices, their gate checks and public feedback
with its triage trail. Every change runs through the staff pages and their services (state
transitions, gate checks, the audit trail), so here the records are read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Feedback, FeedbackEvent, GateCheck, Notice


class GateCheckInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = GateCheck
    fields = ["kind", "result", "note", "checked_by", "checked_at"]
    extra = 0


class FeedbackEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FeedbackEvent
    fields = ["from_state", "to_state", "note", "actor", "at"]
    readonly_fields = ["at"]
    extra = 0


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "cadre", "state", "start_date", "end_date", "outcome"]
    list_filter = ["state", "outcome"]
    search_fields = ["title", "cadre__name", "cadre__code"]
    list_select_related = ["cadre"]
    inlines = [GateCheckInline]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["receipt_code", "notice", "state", "finding", "created_at"]
    list_filter = ["state", "finding"]
    search_fields = ["receipt_code", "notice__title", "notice__cadre__name"]
    list_select_related = ["notice"]
    inlines = [FeedbackEventInline]
