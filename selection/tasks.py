"""Celery tasks of selection work: call a service, nothing else."""

from celery import shared_task
from django.utils import timezone

from .services import notices


@shared_task
def remind_reserve_reviews() -> int:
    return notices.remind_reserve_reviews(today=timezone.localdate())


@shared_task
def sweep_vote_boxes() -> bool:
    """Hourly: rewrite the vote-box tables if a closing could not do it (a lock held elsewhere)."""
    from .models import VoteEvent
    from .services import votes

    if not VoteEvent.objects.filter(opened_at__isnull=False, swept_at__isnull=True).exists():
        return True
    return votes.votes_sweep()


@shared_task
def remind_probation_ends() -> int:
    """Daily: org staff hear of each probation within its reminder window, once per end date."""
    from .services import probation

    return probation.remind_probation_ends(today=timezone.localdate())
