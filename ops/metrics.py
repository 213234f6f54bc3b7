"""Prometheus metrics beyond django-prometheus's per-view latency: Celery task durations and
failures (recorded where the task runs) and queue lengths (read from the broker at scrape time)."""

from __future__ import annotations

import logging
import time

from celery.signals import task_failure, task_postrun, task_prerun
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

TASK_DURATION = Histogram(
    "cadreperf_celery_task_duration_seconds",
    "Run time of Celery tasks",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
TASK_FAILURES = Counter("cadreperf_celery_task_failures_total", "Celery tasks that raised", ["task", "exception"])

_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_DURATION.labels(task=task.name, state=state or "UNKNOWN").observe(time.monotonic() - started)


@task_failure.connect
def _task_failed(sender=None, exception=None, **kwargs) -> None:
    name = getattr(sender, "name", "unknown")
    TASK_FAILURES.labels(task=name, exception=type(exception).__name__ if exception else "unknown").inc()


def queue_names() -> list[str]:
    from celery import current_app

    names = {current_app.conf.task_default_queue}
    for queue in current_app.conf.task_queues or ():
        names.add(getattr(queue, "name", str(queue)))
    # Queues only some workers take (the backup's) are named by the routes alone.
    for route in (current_app.conf.task_routes or {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return sorted(names)


class QueueCollector:
    """Messages waiting in each Celery queue on the Redis broker, and tasks waiting in the outbox."""

    def collect(self):
        from celery import current_app

        lengths = GaugeMetricFamily(
            "cadreperf_celery_queue_length",
            "Messages waiting in a Celery queue (-1: broker unreachable)",
            labels=["queue"],
        )
        if not current_app.conf.task_always_eager:
            try:
                with current_app.connection_for_read() as conn:
                    client = conn.default_channel.client
                    for name in queue_names():
                        lengths.add_metric([name], client.llen(name))
            except Exception as error:
                logger.warning("queue lengths not read: %s", error)
                for name in queue_names():
                    lengths.add_metric([name], -1)
        yield lengths
        pending = GaugeMetricFamily(
            "cadreperf_outbox_pending", "Background tasks recorded but not yet sent to the broker"
        )
        try:
            from .outbox import pending_count

            pending.add_metric([], pending_count())
        except Exception as error:
            logger.warning("outbox size not read: %s", error)
        yield pending

    def describe(self):
        return []  # collected at scrape time only


_registered = False


def register_collectors() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(QueueCollector())
        _registered = True
