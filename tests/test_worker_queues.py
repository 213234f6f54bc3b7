"""Several Celery workers, one per queue: every task has its queue, and a long unit export on the
pdf worker does not hold back a computation on the scoring worker (two real worker processes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from achievements.models import DossierExport, ExportStatus
from config.celery import app
from evaluations.models import ComputationRun, PeriodState, QuarterlyResult, RunStatus

from .achievements_helpers import today
from .evaluation_helpers import make_team, open_period, submit_all
from .factories import CadreFactory

ROOT = Path(settings.BASE_DIR)


def project_tasks() -> set[str]:
    """Every task registered by an app of this repository (not Celery's or a library's)."""
    from django.apps import apps

    ours = {config.name for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)}
    assert {"evaluations", "achievements", "messaging", "ops"} <= ours
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.split(".", 1)[0] in ours}


def test_every_task_of_the_project_is_routed_to_a_known_queue():
    tasks = project_tasks()
    assert "evaluations.tasks.compute_period_task" in tasks and "achievements.tasks.build_unit_export" in tasks
    known = set(settings.TASK_QUEUES.values()) | {settings.CELERY_BACKUP_QUEUE}
    routed = {name: app.amqp.router.route({}, name)["queue"].name for name in tasks}
    assert sorted(name for name in tasks if name not in settings.CELERY_TASK_ROUTES) == []
    assert {name: queue for name, queue in routed.items() if queue not in known} == {}
    # No route names a task that no longer exists (a renamed task would silently fall to the default).
    assert sorted(set(settings.CELERY_TASK_ROUTES) - tasks) == []
    queues = settings.TASK_QUEUES
    assert routed["evaluations.tasks.compute_period_task"] == queues["scoring"]
    assert routed["evaluations.tasks.open_period_task"] == queues["scoring"]
    assert routed["achievements.tasks.build_unit_export"] == queues["pdf"]
    assert routed["messaging.tasks.deliver"] == queues["notifications"]
    assert routed["ops.tasks.relay_outbox"] == queues["default"]
    assert routed["ops.tasks.nightly_backup"] == settings.CELERY_BACKUP_QUEUE


def test_queues_are_this_runs_own_and_workers_take_one_message_at_a_time():
    prefix = f"test-{settings.TEST_RUN_ID}"
    assert settings.TEST_RUN_ID and all(name.startswith(prefix) for name in settings.TASK_QUEUES.values())
    assert len(set(settings.TASK_QUEUES.values())) == 4
    # A worker started without -Q takes every queue (the tests' in-process worker, a small install).
    assert set(app.amqp.queues) == set(settings.TASK_QUEUES.values())
    conf = app.conf
    assert conf.worker_prefetch_multiplier == 1 and conf.task_acks_late and conf.task_reject_on_worker_lost
    # An unacknowledged message comes back after this long: longer than the longest job may run.
    assert conf.broker_transport_options["visibility_timeout"] >= 6 * 3600


# --- Two workers at once ---------------------------------------------------------------------------


def worker_process(role: str, media_root: Path) -> tuple[subprocess.Popen, str]:
    """A separate worker (prefork, one child) on one queue of this run, on the test database."""
    database = settings.DATABASES["default"]
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{host}:{port}/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "BALLOT_KEYS": ",".join(settings.BALLOT_KEYS),
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(media_root),
    }
    name = f"{role}-{settings.TEST_RUN_ID}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1"]
    command += ["-Q", settings.TASK_QUEUES[role], "-n", name, "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    return process, name


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for(predicate, timeout: float = 120.0, what: str = "the workers"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def active_tasks(worker: str) -> list[dict]:
    replies = app.control.inspect(destination=[worker], timeout=5).active() or {}
    assert worker in replies, f"{worker} did not answer"
    return replies[worker]


def row_lock(table: str, pk: int) -> psycopg.Connection:
    """Another connection holds one row FOR UPDATE: whoever writes that row next waits."""
    locker = psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"] or "127.0.0.1",
        port=connection.settings_dict["PORT"] or 5432,
    )
    locker.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608  (a model's table)
    return locker


@pytest.mark.worker
def test_two_workers_run_a_computation_and_a_unit_export_at_once_each_on_its_own_queue(
    client, personas, settings, transactional_db
):
    team = make_team("双队列镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + ratee.pk % 20)
    for i in range(10):  # a unit export of a dozen PDFs
        CadreFactory(unit=personas.unit, name=f"档案{i}")
    client.force_login(personas.org_staff.user)

    scoring, scoring_name = worker_process("scoring", settings.MEDIA_ROOT)
    pdf, pdf_name = worker_process("pdf", settings.MEDIA_ROOT)
    locker = None
    try:
        year = today().year
        client.post(reverse("achievements:exports"), {"unit": personas.unit.pk, "year_from": year, "year_to": year})
        job = DossierExport.objects.get()
        assert job.total >= 12
        # The export is under way on the pdf worker; then its next progress write is held: from here
        # on the export takes as long as the test wants, deterministically.
        wait_for(lambda: DossierExport.objects.filter(pk=job.pk, done__gte=1).exists(), what="the export to start")
        locker = row_lock(DossierExport._meta.db_table, job.pk)
        job.refresh_from_db()
        assert job.status == ExportStatus.RUNNING and 1 <= job.done < job.total

        # Closing the period queues the computation (scoring queue); the scoring worker runs it now.
        client.post(reverse("evaluations:period_action", args=[period.pk, "close"]))
        run = wait_for(
            lambda: ComputationRun.objects.filter(period=period, status=RunStatus.SUCCEEDED).first(),
            what="the computation",
        )
        # ... while the export is still running on the other worker, which is busy with it alone.
        job.refresh_from_db()
        assert job.status == ExportStatus.RUNNING and job.done < job.total and not job.file
        exporting = active_tasks(pdf_name)
        assert [(task["name"], task["args"]) for task in exporting] == [
            ("achievements.tasks.build_unit_export", [job.pk])
        ]
        assert parent_of(exporting[0]["worker_pid"]) == pdf.pid
        # The scoring worker is free again (its task has returned), the pdf worker still exporting.
        wait_for(lambda: active_tasks(scoring_name) == [], 60, "the scoring worker to be idle")
        assert [task["name"] for task in active_tasks(pdf_name)] == ["achievements.tasks.build_unit_export"]
        # The computation ran in the scoring worker's child process, and computed the period.
        assert parent_of(int(run.worker.rsplit(":", 1)[1])) == scoring.pid
        period.refresh_from_db()
        assert period.state == PeriodState.COMPUTED
        assert QuarterlyResult.objects.filter(period=period, cadre=team["S1"], score__isnull=False).exists()

        locker.close()
        locker = None
        wait_for(lambda: DossierExport.objects.filter(pk=job.pk, status=ExportStatus.SUCCEEDED).exists(), 180)
        job.refresh_from_db()
        assert job.done == job.total and job.size > 0
        assert run.finished_at < job.finished_at
        download = client.get(reverse("achievements:export_download", args=[job.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    finally:
        if locker is not None:
            locker.close()
        stop(scoring)
        stop(pdf)
