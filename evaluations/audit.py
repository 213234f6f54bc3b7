"""Which models of the evaluations app go into the audit trail (who, when, what).

Periods, settings, scopes, unit scores, annual results, grades and follow-ups are audited. Of a
ballot only the fact of a submission is (SheetSubmission: rater and unit, nothing else); sheets,
scores, drafts and computed aggregates never are.
"""

from auditlog.registry import auditlog

from achievements.models import RecordRules

from .models import (
    AnnualResult,
    EvaluationSettings,
    EvaluatorScope,
    FollowUp,
    GradeChange,
    Period,
    SheetSubmission,
    UnitAnnualScore,
)

auditlog.register(EvaluationSettings, exclude_fields=["updated_at"])
auditlog.register(
    EvaluatorScope, exclude_fields=["updated_at"], m2m_fields={"superior_evaluators", "external_evaluators"}
)
auditlog.register(Period)
auditlog.register(SheetSubmission)
auditlog.register(UnitAnnualScore, exclude_fields=["updated_at"])
auditlog.register(AnnualResult, exclude_fields=["computed_at"])
auditlog.register(GradeChange)
auditlog.register(FollowUp)
# The settings page edits the deduction rates of achievements.RecordRules; keep the trail even if
# that app does not register it itself (registering twice is harmless, but keep its options).
if not auditlog.contains(RecordRules):
    auditlog.register(RecordRules, exclude_fields=["updated_at"])
