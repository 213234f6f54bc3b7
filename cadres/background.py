"""Background jobs that a page follows with a progress bar, with or without a Celery broker.

With a broker the job is recorded in the task outbox (ops.outbox) and queued after commit for the
worker; with Redis down it waits in the outbox and is sent when Redis returns. Without one (the embedded default
runs Celery eagerly) `delay()` would run the job inside the request, and the browser would wait
for the whole job with no feedback; so the job runs in a thread of this process instead, and the
request goes at once to the progress page.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Task
from django.db import connections, transaction

from ops import outbox

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Task, *args: Any) -> None:
    """Run `task(*args)` once the current transaction commits: on the worker, or in a thread when eager."""

    if not task.app.conf.task_always_eager:
        outbox.send_after_commit(task, *args)
        return

    def start() -> None:
        threading.Thread(target=_run_in_thread, args=(task, args), name=f"job-{task.name}", daemon=True).start()

    transaction.on_commit(start)


def queue_after_commit(task: Task, *args: Any) -> None:
    """Like enqueue_after_commit, but in eager mode the job runs inside the request after commit."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.delay(*args))
    else:
        outbox.send_after_commit(task, *args)


def _run_in_thread(task: Task, args: tuple) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("background job %s%r failed", task.name, args)
    finally:
        # The thread opened its own database connection; leave none behind.
        connections.close_all()
