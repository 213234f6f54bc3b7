"""Background jobs of supervision: thin wrappers around services."""

from celery import shared_task

from .services import reports


@shared_task
def remind_overdue_reports() -> int:
    """Daily (django-celery-beat, created by a migration): reports past their step's deadline."""
    return reports.overdue_reminders()
