"""Background jobs a page follows: one status enum, one progress protocol, one status partial.

A job is a row of a concrete subclass of `core.models.Job`. The service that starts one creates the
row and queues a task after commit (cadres.background in the apps); the task calls `job_run`
with the function that does the work. That function receives a `Progress` callable and reports
each step as `progress(done, total, label)`.

The work usually runs in one transaction, so the job's own row cannot show progress before the
commit: progress goes to the cache (shared by the web and worker processes), and `job_progress`
reads it while the job runs and the row's figures once it has finished. A refusal by a domain
rule (`DomainError`) fails the job with its Chinese sentence; any other exception fails it with a
general Chinese sentence (the exception's own words added as technical detail), is logged and
raised again, so that Celery's retry policy applies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
J = TypeVar("J", bound=Job)


@dataclass(frozen=True)
class JobProgress:
    done: int
    total: int
    label: str

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def progress_key(job: Job) -> str:
    return f"jobs:{job._meta.label_lower}:{job.pk}:progress"


class CacheProgress:
    """The progress callable handed to a job's work: it writes where every process can read."""

    def __init__(self, job: Job):
        self.key = progress_key(job)

    def __call__(self, done: int, total: int, label: str) -> None:
        cache.set(self.key, {"done": done, "total": total, "label": label}, timeout=24 * 3600)


def job_progress(job: Job) -> JobProgress:
    """Where a job stands: live from the cache while it runs, from its row otherwise."""
    if job.status == JobStatus.RUNNING:
        live = cache.get(progress_key(job))
        if live:
            return JobProgress(done=live["done"], total=live["total"], label=live["label"])
    return JobProgress(done=job.progress_done, total=job.progress_total, label=job.progress_label)


def job_run(
    model: type[J],
    job_id: int,
    work: Callable[[J, Progress], str],
    *,
    echo: Progress | None = None,
    running: Mapping[str, object] | None = None,
) -> J:
    """Run a queued job once: mark it running, call `work(job, progress)`, record the outcome.

    `work` returns the label of its last step (e.g. a summary of what it made); `echo` also receives
    each step (a management command prints them); `running` holds fields of the concrete job written
    together with the running status and the attempt (e.g. which process runs it). A job that already
    succeeded is not run again (a redelivered task); a failed or interrupted one runs again.
    """
    job = model._default_manager.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return job
    rows = model._default_manager.filter(pk=job_id)
    rows.update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error="", **(running or {})
    )
    job.refresh_from_db()
    progress = CacheProgress(job)
    seen: dict[str, int] = {"done": 0, "total": job.progress_total}

    def report(done: int, total: int, label: str) -> None:
        seen.update(done=done, total=total)
        progress(done, total, label)
        if echo is not None:
            echo(done, total, label)

    try:
        label = work(job, report)
    except DomainError as error:
        rows.update(status=JobStatus.FAILED, finished_at=timezone.now(), error=error.message)
    except Exception as error:
        logger.exception("job %s #%s failed", model._meta.label, job_id)
        message = _("后台任务出错（%(error)s），没有做任何更改。请稍后重试；如仍失败，请联系系统管理员。") % {
            "error": type(error).__name__
        }
        detail = str(error).strip()
        if detail:  # what the exception says, for whoever the staff ask for help
            message += _("（技术信息：%(detail)s）") % {"detail": detail[:500]}
        rows.update(status=JobStatus.FAILED, finished_at=timezone.now(), error=message)
        raise
    else:
        total = seen["total"] or seen["done"]
        rows.update(
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
            progress_done=total,
            progress_total=total,
            progress_label=label,
        )
    finally:
        cache.delete(progress_key(job))
    job.refresh_from_db()
    return job
