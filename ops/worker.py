"""Worker-side hooks: a heartbeat the readiness check reads, and an outbox relay at start-up."""

from __future__ import annotations

import logging
import time

from celery import bootsteps

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "ops:worker-heartbeat"
HEARTBEAT_SECONDS = 15
# The readiness check fails when no worker has beaten for this long.
HEARTBEAT_STALE_SECONDS = 4 * HEARTBEAT_SECONDS


def beat_once() -> None:
    from django.core.cache import cache

    try:
        cache.set(HEARTBEAT_KEY, time.time(), timeout=HEARTBEAT_STALE_SECONDS * 4)
    except Exception as error:
        logger.warning("worker heartbeat not written: %s", error)


def last_heartbeat() -> float | None:
    from django.core.cache import cache

    return cache.get(HEARTBEAT_KEY)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes the time into the shared cache every HEARTBEAT_SECONDS while the worker runs."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        self.tref = None

    def start(self, worker) -> None:
        beat_once()
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, beat_once, priority=10)

    def stop(self, worker) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
