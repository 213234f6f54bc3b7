"""Celery tasks of selection work: call a service, nothing else."""

from celery import shared_task
from django.utils import timezone

from .services import notices


@shared_task
def remind_reserve_reviews() -> int:
    return notices.remind_reserve_reviews(today=timezone.localdate())
