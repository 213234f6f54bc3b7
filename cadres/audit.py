"""Which models of the cadres app go into the audit trail (who, when, what)."""

from auditlog.registry import auditlog

from .models import Cadre, EducationEntry, FamilyMember, OrgSettings, RankLevel, ResumeEntry, StudyCredit, Unit, User

auditlog.register(Unit)
auditlog.register(RankLevel)
auditlog.register(Cadre, exclude_fields=["updated_at", "created_at"])
auditlog.register(ResumeEntry)
auditlog.register(StudyCredit)
auditlog.register(EducationEntry)
auditlog.register(FamilyMember)
auditlog.register(OrgSettings, exclude_fields=["updated_at"])
auditlog.register(User, exclude_fields=["password", "last_login"])
