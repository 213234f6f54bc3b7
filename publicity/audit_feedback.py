"""Public feedback in the audit trail: every triage step and reply, who and when (SPEC §8)."""

from auditlog.registry import auditlog

from .models import Feedback

auditlog.register(Feedback, exclude_fields=["created_at", "updated_at"])
