"""Which models of 晒实绩 go into the audit trail: settings (calendar, rules, reminders), leave,
achievements and their verification, self-assessment decisions, and who exported dossiers.

Daily logs and summaries are not audited row by row: they are the cadre's own writing, editable
only inside the backfill window and frozen after it. Nor is a self-assessment's text: a draft is its
author's private notes (nobody else may read it), and a submitted form's text is the form itself.
"""

from auditlog.registry import auditlog

from .models import (
    Achievement,
    AchievementParticipant,
    CalendarYearConfirmation,
    DossierExport,
    LeavePeriod,
    RecordRules,
    ReminderSettings,
    SelfAssessment,
    WorkdayOverride,
)

auditlog.register(WorkdayOverride)
auditlog.register(CalendarYearConfirmation)
auditlog.register(RecordRules, exclude_fields=["updated_at"])
auditlog.register(ReminderSettings, exclude_fields=["updated_at"])
auditlog.register(LeavePeriod, exclude_fields=["created_at"])
auditlog.register(Achievement, exclude_fields=["created_at", "updated_at"])
auditlog.register(AchievementParticipant)
SELF_ASSESSMENT_TEXT = ["performance", "shortcomings", "plans"]
auditlog.register(SelfAssessment, exclude_fields=["created_at", "updated_at", *SELF_ASSESSMENT_TEXT])
auditlog.register(DossierExport, include_fields=["unit", "year_from", "year_to", "requested_by", "status"])
