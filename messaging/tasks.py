"""Celery tasks of the messaging app (thin: the work is in services)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import Retry

from . import services

logger = logging.getLogger(__name__)


@shared_task
def send_deliveries(delivery_ids: list[int]) -> int:
    """Queued after commit through the outbox: one task per delivery, so each retries on its own."""
    for delivery_id in delivery_ids:
        deliver.apply_async((delivery_id,))
    return len(delivery_ids)


@shared_task(bind=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    """One attempt; on failure Celery retries it after the backoff until the attempts run out."""
    outcome = services.attempt_delivery(delivery_id=delivery_id)
    if outcome is None:
        return "skipped"
    if outcome.retry_in is not None and not self.request.is_eager:
        try:
            raise self.retry(countdown=outcome.retry_in)
        except Retry:
            raise
        except Exception as error:  # the broker is gone: the sweep queues it again later
            logger.warning("delivery #%s: retry not queued (%s); the sweep will", delivery_id, error)
    return outcome.status


@shared_task
def sweep_deliveries() -> int:
    """Every few minutes (beat): queue again what the broker lost."""
    ids = services.stalled_deliveries()
    for delivery_id in ids:
        deliver.apply_async((delivery_id,))
    return len(ids)
