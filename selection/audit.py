"""Which models of selection work go into the audit trail. Never the anonymous votes: voters and
counts are left out, so the trail cannot tie a vote to a voter (rules.md §9)."""

from auditlog.registry import auditlog

from .models import (
    Application,
    ApprovedPost,
    Candidate,
    Nomination,
    Probation,
    ReserveEntry,
    Selection,
    SelectionSettings,
    UnitRecommendation,
)

auditlog.register(SelectionSettings, exclude_fields=["updated_at"])
auditlog.register(ApprovedPost)
auditlog.register(Selection, exclude_fields=["created_at", "round1_voters"])
auditlog.register(Candidate)
auditlog.register(Application)
auditlog.register(UnitRecommendation)
auditlog.register(Nomination)
auditlog.register(ReserveEntry)
auditlog.register(Probation, exclude_fields=["created_at"])
