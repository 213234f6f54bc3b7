"""The computation on a real Celery worker over Redis: started by closing a period, and surviving a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from core.models import JobStatus
from evaluations.models import (
    BoxOpening,
    ComputationRun,
    EvaluationSettings,
    GroupResult,
    PeriodState,
    QuarterlyResult,
    RateeScores,
    SealedSheet,
)

from .factories import ensure_default_ranks, make_team, open_period, submit_all

pytestmark = [pytest.mark.worker]
ROOT = Path(settings.BASE_DIR)


def wait_for(predicate, timeout: float = 90.0, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_closing_a_period_computes_it_on_the_worker(celery_worker, client, personas):
    team = make_team("工作进程镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + ratee.pk % 20)
    client.force_login(personas.org_staff.user)
    client.post(reverse("evaluations:period_action", args=[period.pk, "close"]))
    run = wait_for(lambda: ComputationRun.objects.filter(period=period, status=JobStatus.SUCCEEDED).first())
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED and run.attempts == 1 and run.worker
    assert QuarterlyResult.objects.filter(period=period, cadre=team["S1"], score__isnull=False).exists()
    card = client.get(reverse("evaluations:period_progress", args=[period.pk]), HTTP_HX_REQUEST="true")
    assert "计算完成" in card.content.decode()


def worker_process() -> subprocess.Popen:
    """A separate worker (prefork, one child) on this run's queue and test database."""
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
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def results_of(period) -> list:
    return sorted(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "score", "rank_in_unit"))


def locked_group_table():
    """Another connection holds the group table in SHARE mode: a run stops inside its transaction
    at its first write there, after it has opened the box and deleted the previous results."""
    locker = psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"] or "127.0.0.1",
        port=connection.settings_dict["PORT"] or 5432,
    )
    locker.execute(f"LOCK TABLE {GroupResult._meta.db_table} IN SHARE MODE")
    return locker


def kill_the_running_child(period) -> ComputationRun:
    run = wait_for(lambda: ComputationRun.objects.filter(period=period, status=JobStatus.RUNNING).first(), 120)
    wait_for(waiting_on_a_lock, 60, "the run to wait on the lock")
    child = int(run.worker.rsplit(":", 1)[1])
    os.kill(child, signal.SIGKILL)  # the process running the task dies mid-transaction
    # acks_late + reject_on_worker_lost: the message goes back and a new child takes it.
    retried = wait_for(lambda: ComputationRun.objects.filter(pk=run.pk, attempts__gte=2).first(), 120, "the retry")
    assert int(retried.worker.rsplit(":", 1)[1]) != child
    return run


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_the_box_or_the_previous_results_and_the_retry_completes():
    ensure_default_ranks()
    team = make_team("中断镇", team_members=1, staff=4)
    period = open_period()
    sheets = submit_all(period, lambda rater, ratee: 70 + (rater.pk + ratee.pk) % 15)
    worker = worker_process()
    try:
        from evaluations.services import periods, scoring

        # 1. Killed while opening the box: the box stays sealed and whole, and the retry opens it.
        locker = locked_group_table()
        try:
            periods.period_close(period=period)  # queued after commit: the separate worker computes
            run = kill_the_running_child(period)
            assert SealedSheet.objects.filter(period=period).count() == sheets
            assert not RateeScores.objects.filter(period=period).exists()
            assert not BoxOpening.objects.filter(period=period).exists()
        finally:
            locker.close()
        wait_for(lambda: ComputationRun.objects.filter(pk=run.pk, status=JobStatus.SUCCEEDED).exists(), 120)
        assert BoxOpening.objects.get(period=period).sheet_count == sheets
        assert not SealedSheet.objects.filter(period=period).exists()
        before = results_of(period)
        assert len(before) == len(team.people)

        # 2. Killed while computing again (other weights): the previous results stay until the retry.
        EvaluationSettings.objects.update_or_create(year=2026, unit_category="", defaults={"leader_weight": 9})
        locker = locked_group_table()
        try:
            with transaction.atomic():
                scoring.computation_request(period=period)
            run = kill_the_running_child(period)
            assert results_of(period) == before  # the killed run changed nothing
        finally:
            locker.close()
        done = wait_for(lambda: ComputationRun.objects.filter(pk=run.pk, status=JobStatus.SUCCEEDED).first(), 120)
        assert done.attempts == 2 and done.result_count == len(team.people)
        assert results_of(period) != before
        period.refresh_from_db()
        assert period.state == PeriodState.COMPUTED
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
