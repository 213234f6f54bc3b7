"""Django admin for 晒实绩. The admin is one more path that writes records, so it runs the same
checks as the pages and the API: backfill deadlines, minimum lengths, shares ≤ 100%, leave overlaps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from . import access, rules, services
from .errors import BackfillClosed, LeaveOverlaps, RecordError, SummaryClosed
from .forms import RecordRulesForm
from .models import (
    Achievement,
    AchievementAttachment,
    AchievementCategory,
    AchievementFigure,
    AchievementParticipant,
    DailyLog,
    DossierExport,
    ExportedDocument,
    LeavePeriod,
    RecordRules,
    ReminderSettings,
    SelfAssessment,
    SelfAssessmentEvent,
    SelfAssessmentObjection,
    Summary,
    WorkdayOverride,
)


def _raise(error: RecordError, form: forms.Form) -> None:
    field = error.field if error.field in form.fields else None
    raise ValidationError({field: error.message} if field else error.message)


def _deadline(log_or_summary: DailyLog | Summary) -> datetime:
    if isinstance(log_or_summary, DailyLog):
        return rules.log_deadline(log_or_summary.day, unit=log_or_summary.author.unit)
    return rules.summary_deadline(
        log_or_summary.year,
        log_or_summary.quarter,
        rules=rules.rules_for_unit(log_or_summary.year, log_or_summary.author.unit),
    )


def _frozen(log_or_summary: DailyLog | Summary) -> bool:
    return timezone.now() >= _deadline(log_or_summary)


class DailyLogAdminForm(forms.ModelForm):
    class Meta:
        model = DailyLog
        fields = ["author", "day", "text"]

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk and _frozen(self.instance):
            # Moving a frozen log to another day is a change to a frozen record too.
            _raise(BackfillClosed(day=self.instance.day, deadline=_deadline(self.instance)), self)
        if data.get("author") and data.get("day") and data.get("text") is not None:
            try:
                data["text"] = services.daily_log_check(author=data["author"], day=data["day"], text=data["text"])
            except RecordError as error:
                _raise(error, self)
        return data


class FrozenDeleteMixin:
    """Frozen records cannot be deleted either (that would erase a missing-day's evidence)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(DailyLog)
class DailyLogAdmin(FrozenDeleteMixin, admin.ModelAdmin):
    form = DailyLogAdminForm
    list_display = ["day", "author", "unit", "updated_at"]
    list_filter = ["unit"]
    search_fields = ["author__name", "author__code", "text"]
    date_hierarchy = "day"
    autocomplete_fields = ["author"]
    list_select_related = ["author", "unit"]

    def save_model(self, request: HttpRequest, obj: DailyLog, form: Any, change: bool) -> None:
        if not change:
            obj.unit = obj.author.unit
        super().save_model(request, obj, form, change)


class SummaryAdminForm(forms.ModelForm):
    class Meta:
        model = Summary
        fields = ["author", "kind", "year", "quarter", "text"]

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk and _frozen(self.instance):
            label = services.summary_label(self.instance.kind, self.instance.year, self.instance.quarter)
            _raise(SummaryClosed(label=label, deadline=_deadline(self.instance)), self)
        if data.get("author") and data.get("kind") and data.get("year") and data.get("text") is not None:
            try:
                data["text"] = services.summary_check(
                    author=data["author"],
                    kind=data["kind"],
                    year=data["year"],
                    quarter=data.get("quarter"),
                    text=data["text"],
                )
            except RecordError as error:
                _raise(error, self)
        return data


@admin.register(Summary)
class SummaryAdmin(FrozenDeleteMixin, admin.ModelAdmin):
    form = SummaryAdminForm
    list_display = ["author", "kind", "year", "quarter", "updated_at"]
    list_filter = ["kind", "year"]
    search_fields = ["author__name", "author__code"]
    autocomplete_fields = ["author"]

    def save_model(self, request: HttpRequest, obj: Summary, form: Any, change: bool) -> None:
        if not change:
            obj.unit = obj.author.unit
        super().save_model(request, obj, form, change)


class ParticipantInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = []
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            cadre = form.cleaned_data.get("cadre")
            if cadre is not None:
                rows.append((cadre.pk, cadre.name, form.cleaned_data.get("share")))
        try:
            services.check_participants(rows)
        except RecordError as error:
            raise ValidationError(error.message) from error


class ParticipantInline(admin.TabularInline):
    model = AchievementParticipant
    formset = ParticipantInlineFormSet
    autocomplete_fields = ["cadre"]
    extra = 0


class FigureInline(admin.TabularInline):
    model = AchievementFigure
    extra = 0


class AttachmentInline(admin.TabularInline):
    """Read-only: evidence is uploaded through the page, which checks size and real file type."""

    model = AchievementAttachment
    extra = 0
    fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["title", "created_by", "unit", "date", "category", "verification_status"]
    list_filter = ["verification_status", "category", "unit__category"]
    search_fields = ["title", "created_by__name", "created_by__code"]
    autocomplete_fields = ["created_by", "unit"]
    # Verification goes through the page or the API, which record who checked, refuse one's own
    # records and tell the author; here it is only shown.
    readonly_fields = ["verification_status", "verification_note", "verified_by", "verified_at"]
    inlines = [FigureInline, ParticipantInline, AttachmentInline]
    list_select_related = ["created_by", "unit", "category"]


@admin.register(AchievementCategory)
class AchievementCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"


@admin.register(RecordRules)
class RecordRulesAdmin(admin.ModelAdmin):
    form = RecordRulesForm
    list_display = ["year", "unit_category", "daily_log_min_chars", "backfill_workdays", "missing_log_deduction"]
    list_filter = ["year", "unit_category"]


class LeaveAdminForm(forms.ModelForm):
    class Meta:
        model = LeavePeriod
        fields = ["cadre", "start", "end", "kind", "note"]

    def clean(self) -> dict:
        data = super().clean()
        cadre, start, end = data.get("cadre"), data.get("start"), data.get("end")
        if cadre and start and end:
            overlapping = (
                LeavePeriod.objects.filter(cadre=cadre, start__lte=end, end__gte=start)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if overlapping:
                _raise(LeaveOverlaps(start=overlapping.start, end=overlapping.end), self)
        return data


@admin.register(LeavePeriod)
class LeavePeriodAdmin(admin.ModelAdmin):
    form = LeaveAdminForm
    list_display = ["cadre", "start", "end", "kind", "marked_by"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "cadre__code"]
    autocomplete_fields = ["cadre"]

    def save_model(self, request: HttpRequest, obj: LeavePeriod, form: Any, change: bool) -> None:
        if not change:
            obj.marked_by = request.user
        super().save_model(request, obj, form, change)


class EventInline(admin.TabularInline):
    model = SelfAssessmentEvent
    extra = 0
    readonly_fields = ["action", "actor", "note", "at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ObjectionInline(admin.TabularInline):
    model = SelfAssessmentObjection
    extra = 0
    readonly_fields = ["author", "text", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    """The workflow runs through the pages; here the record is read, not moved along."""

    list_display = ["author", "year", "unit", "state", "submitted_at", "posting_ends_at"]
    list_filter = ["state", "year"]
    search_fields = ["author__name", "author__code"]
    inlines = [EventInline, ObjectionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SelfAssessment]:
        # Another cadre's draft is private to its author, here as on the pages.
        return access.assessments_visible_to(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in SelfAssessment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DossierExport)
class DossierExportAdmin(admin.ModelAdmin):
    list_display = ["unit", "year_from", "year_to", "status", "requested_by", "requested_at", "expired_at"]
    list_filter = ["status"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in DossierExport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ExportedDocument)
class ExportedDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "created_by", "created_at"]
    search_fields = ["code", "title", "sha256"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ExportedDocument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enabled", "send_at", "warn_window_closing"]
    fields = ["enabled", "send_at", "warn_window_closing"]

    def save_model(self, request: HttpRequest, obj: ReminderSettings, form: Any, change: bool) -> None:
        # Through the service, so the beat schedule moves with the setting.
        services.reminder_settings_save(
            enabled=obj.enabled, send_at=obj.send_at, warn_window_closing=obj.warn_window_closing
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ReminderSettings.objects.exists()
