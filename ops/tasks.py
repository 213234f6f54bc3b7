"""Celery tasks of the ops app."""

from celery import shared_task

from . import outbox


@shared_task
def relay_outbox() -> int:
    """Every minute (beat): publish background work recorded while the broker was down."""
    sent = outbox.relay()
    outbox.purge_sent()
    return sent
