"""The task outbox: background work is recorded in the database, then handed to the broker.

`send_after_commit(task, *args)` writes an OutboxTask row inside the caller's transaction and,
once that transaction commits, tries to publish the task. If the broker (Redis) is unreachable the
row stays unsent; `relay()` (beat every minute, each worker at start-up, `manage.py relay_outbox`)
publishes it when Redis is back. Work that was committed is therefore never dropped, only delayed.
Tasks sent this way must be safe to run twice (each one checks its job's state first).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)

# A row younger than this is left to the request that wrote it (its on-commit send may be running).
RELAY_MIN_AGE = timedelta(seconds=30)


def send_after_commit(task: Task, *args: Any) -> OutboxTask:
    """Record `task(*args)` now; publish it after commit, or later through the relay."""
    entry = OutboxTask.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: publish(entry.pk))
    return entry


def publish(entry_id: int) -> bool:
    """Publish one recorded task; True when the broker took it. Never raises for a broker fault."""
    entry = OutboxTask.objects.filter(pk=entry_id, sent_at__isnull=True).first()
    if entry is None:
        return True
    try:
        current_app.send_task(entry.task, args=entry.args)
    except Exception as error:  # the broker's faults come in many classes (kombu, redis, socket)
        logger.warning("outbox: could not publish %s #%s: %s", entry.task, entry.pk, error)
        OutboxTask.objects.filter(pk=entry.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:500]
        )
        return False
    OutboxTask.objects.filter(pk=entry.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
    return True


def relay(*, min_age: timedelta = RELAY_MIN_AGE, limit: int = 500) -> int:
    """Publish what is still unsent; stop at the first broker fault. Returns how many were sent."""
    cutoff = timezone.now() - min_age
    sent = 0
    pending = OutboxTask.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).values_list("pk", flat=True)
    for entry_id in list(pending[:limit]):
        with transaction.atomic():
            # Two relays at once (beat and a worker start-up) must not both send the same row.
            locked = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=entry_id, sent_at__isnull=True)
            if not locked.exists():
                continue
            if not publish(entry_id):
                break
            sent += 1
    return sent


def pending_count() -> int:
    return OutboxTask.objects.filter(sent_at__isnull=True).count()


def is_pending(task: Task | str, *args: Any) -> bool:
    """Whether this task call is recorded but not yet handed to the broker."""
    name = task if isinstance(task, str) else task.name
    return OutboxTask.objects.filter(task=name, args=list(args), sent_at__isnull=True).exists()


def purge_sent(*, keep: timedelta = timedelta(days=30)) -> int:
    """Delete rows sent long ago; unsent rows are never deleted."""
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=timezone.now() - keep).delete()
    return deleted
