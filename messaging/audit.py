"""The channel defaults are organization settings: changes go into the audit trail."""

from auditlog.registry import auditlog

from .models import ChannelDefault, Contact

auditlog.register(ChannelDefault, exclude_fields=["updated_at"])
auditlog.register(Contact, exclude_fields=["updated_at"])
