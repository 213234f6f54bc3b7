"""Writes of 晒实绩, one module per concern; every function is keyword-only and one transaction.

Time is a parameter (`now`), so rules about windows and postings are tested without a clock.
"""

from .assessments import (
    assessment_approve,
    assessment_return,
    assessment_save,
    assessment_submit,
    assessments_file_due,
    objection_file,
)
from .calendar import (
    HolidayRange,
    calendar_year_confirm,
    calendar_year_enter,
    calendar_year_unconfirm,
    workday_override_delete,
    workday_overrides_set,
)
from .dossiers import dossier_render, export_run, export_start, exports_fail_stale, exports_purge
from .logs import (
    daily_log_check,
    daily_log_save,
    leave_delete,
    leave_mark,
    summary_check,
    summary_label,
    summary_save,
)
from .record_rules import record_rules_deductions_set
from .records import (
    FigureInput,
    ParticipantInput,
    achievement_delete,
    achievement_save,
    achievement_verify,
    attachment_add,
    attachment_delete,
    check_participants,
)
from .reminders import ensure_schedules, reminder_settings_save, send_log_reminders

__all__ = [
    "FigureInput",
    "HolidayRange",
    "ParticipantInput",
    "achievement_delete",
    "achievement_save",
    "achievement_verify",
    "assessment_approve",
    "assessment_return",
    "assessment_save",
    "assessment_submit",
    "assessments_file_due",
    "attachment_add",
    "attachment_delete",
    "calendar_year_confirm",
    "calendar_year_enter",
    "calendar_year_unconfirm",
    "check_participants",
    "daily_log_check",
    "daily_log_save",
    "dossier_render",
    "ensure_schedules",
    "export_run",
    "export_start",
    "exports_fail_stale",
    "exports_purge",
    "leave_delete",
    "leave_mark",
    "objection_file",
    "record_rules_deductions_set",
    "reminder_settings_save",
    "send_log_reminders",
    "summary_check",
    "summary_label",
    "summary_save",
    "workday_override_delete",
    "workday_overrides_set",
]
