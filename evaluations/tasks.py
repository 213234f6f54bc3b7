"""Background jobs of the evaluations app: load by id, call a service."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from .services import box, periods, scoring

# acks_late + reject_on_worker_lost: a worker killed mid-run gives the message back to the
# broker, and the redelivered task computes again (the killed run's transaction rolled back);
# a database error is retried three times with backoff. Both long jobs run this way.
REDELIVERED_JOB: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "max_retries": 3,
}


@shared_task(**REDELIVERED_JOB)
def compute_period_task(self, run_id: int) -> str:
    return scoring.computation_execute(run_id=run_id).status


@shared_task(**REDELIVERED_JOB)
def open_period_task(self, job_id: int) -> str:
    return periods.period_opening_execute(job_id=job_id).status


@shared_task
def remind_pending_raters() -> int:
    """Daily (django-celery-beat, created by migration 0003): raters with sheets due soon."""
    return periods.deadline_reminders()


@shared_task
def sweep_ballot_boxes() -> bool:
    """Hourly: rewrite the ballot-box tables if an opening could not do it (a lock held elsewhere)."""
    from .models import BoxOpening

    if not BoxOpening.objects.filter(swept_at__isnull=True).exists():
        return True
    return box.box_sweep()


@shared_task
def recompute_provisional_periods() -> int:
    """Hourly (django-celery-beat, created by a migration): provisional results whose backfill
    windows have closed are computed again, which queues one computation job per period."""
    return len(scoring.provisional_recompute_due())
