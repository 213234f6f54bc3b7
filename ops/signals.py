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


@worker_ready.connect
def serve_worker_metrics(**kwargs) -> None:
    """With WORKER_METRICS_PORT set, the worker serves its task metrics (durations, failures) on
    that port for Prometheus. A prefork worker's tasks run in child processes: with
    PROMETHEUS_MULTIPROC_DIR set (docker-compose.yml does), the children write their figures there
    and this exporter adds them up."""
    import os

    from django.conf import settings

    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    try:
        start_http_server(port, addr=settings.WORKER_METRICS_ADDRESS, registry=registry)
    except OSError:
        logger.exception("worker metrics: port %s not available", port)
