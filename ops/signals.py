"""A worker that starts sends what the outbox holds: Redis may just have come back."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def relay_on_start(**kwargs) -> None:
    from datetime import timedelta

    from .outbox import relay

    try:
        relay(min_age=timedelta(0))
    except Exception:
        logger.exception("outbox relay at worker start failed")
