"""Which supervision models go into the audit trail. A reporter's name and contact never do."""

from auditlog.registry import auditlog

from .models import Report, RewardSanction, SupervisionInfo, SupervisionSettings

auditlog.register(SupervisionSettings, exclude_fields=["updated_at"])
auditlog.register(RewardSanction)
auditlog.register(Report, exclude_fields=["reporter_name", "reporter_contact", "updated_at", "reminded_on"])
auditlog.register(SupervisionInfo)
