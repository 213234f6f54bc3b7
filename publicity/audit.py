"""Which models of 任前公示 go into the audit trail: notices (every edit and transition, with the
reason given), the gate checks (each result, who and when), the publicity settings and public feedback (every
triage step and reply, who and when)."""

from auditlog.registry import auditlog

from .models import Feedback, GateCheck, Notice, PublicitySettings

# Reverse relations (feedback, gate checks) have their own entries.
auditlog.register(
    Notice,
    exclude_fields=["created_at", "updated_at", "source", "source_built_at", "feedback", "gate_checks"],
)
auditlog.register(GateCheck)
auditlog.register(PublicitySettings, exclude_fields=["updated_at"])
auditlog.register(Feedback, exclude_fields=["created_at", "updated_at"])
