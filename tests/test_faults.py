"""Faults: Redis (cache and broker) down while people work, the database dropping mid-request,
a worker killed during a unit export. Each against real servers the tests start and stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from achievements import services as achievement_services
from achievements.models import DailyLog, DossierExport, ExportStatus
from config.celery import app
from evaluations.lines import sheet_lines
from evaluations.models import ComputationRun, PeriodState, RunStatus, SealedSheet, SheetSubmission
from ops import outbox, ratelimit
from ops.models import OutboxTask
from publicity.models import Feedback

from .achievements_helpers import CHINESE_LOG, today
from .evaluation_helpers import assignment, make_team, open_period
from .factories import PASSWORD
from .publicity_helpers import NoticeFactory
from .servers import RedisServer, closed_port
from .test_ballots import form as sheet_form
from .test_publicity_feedback import form as feedback_form
from .test_publicity_feedback import submit_url

QUEUE = django_settings.CELERY_TASK_DEFAULT_QUEUE
PDF_QUEUE = django_settings.TASK_QUEUES["pdf"]  # where unit exports go


@contextlib.contextmanager
def redis_at(settings, url: str):
    """Point the cache and the Celery broker at `url` for the duration (tasks not eager)."""
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "LOCATION": f"{url}/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = f"{url}/0"
    app.conf.task_always_eager = False
    _reset_broker_pool()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_broker_pool()


def _reset_broker_pool() -> None:
    from kombu import pools

    pools.reset()
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def redis_down(settings):
    with redis_at(settings, f"redis://127.0.0.1:{closed_port()}"):
        yield


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def queued_messages(server: RedisServer, queue: str = QUEUE) -> int:
    return redis.Redis.from_url(f"{server.url}/0").llen(queue)


# --- Redis down: pages serve, work is accepted ----------------------------------------------------


def test_with_redis_down_pages_serve_and_logs_and_ballots_are_accepted(client, db, redis_down):
    notice = NoticeFactory(published=True)
    team = make_team("断电镇", staff=5, accounts=True)
    period = open_period()
    rater = team["S1"]
    sheet = assignment(period, rater, team.unit)

    assert client.get(reverse("public:index")).status_code == 200
    page = client.get(reverse("public:notice_detail", args=[notice.public_id]))
    assert page.status_code == 200 and notice.title in page.content.decode()

    login = client.post(reverse("login"), {"username": rater.user.username, "password": PASSWORD})
    assert login.status_code == 302, login.content.decode()[:500]
    assert client.get(reverse("home")).status_code == 200

    response = client.post(reverse("achievements:my_logs"), {"day": today().isoformat(), "text": CHINESE_LOG})
    assert response.status_code in (200, 302)
    assert DailyLog.objects.get(author=rater).text == CHINESE_LOG

    lines = len(sheet_lines(sheet))
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), sheet_form(sheet, [80] * lines))
    assert response.status_code == 200
    assert SheetSubmission.objects.filter(assignment=sheet).exists() and SealedSheet.objects.count() == 1


def test_with_redis_down_public_forms_refuse_clearly_and_keep_the_input(client, db, redis_down):
    """The stated choice: public forms fail closed (no counter, no submissions), with a 503 in Chinese."""
    notice = NoticeFactory(published=True)
    data = feedback_form(notice)
    response = client.post(submit_url(notice), data)
    body = response.content.decode()
    assert response.status_code == 503 and "系统繁忙" in body
    assert data["text"] in body and data["name"] in body  # what was typed is still in the form
    assert not Feedback.objects.exists()

    lookup = client.post(reverse("public:feedback_lookup"), {"code": "ABCD-EFGH-JKMN"})
    assert lookup.status_code == 503 and "系统繁忙" in lookup.content.decode()
    assert client.get(reverse("public:feedback_lookup")).status_code == 200


def test_rate_limits_fail_open_for_signed_in_users_and_closed_for_the_public(redis_down, personas):
    from django.contrib.auth.models import AnonymousUser

    factory = RequestFactory()
    signed_in = factory.post("/x/")
    signed_in.user = personas.cadre.user
    public = factory.post("/x/")
    public.user = AnonymousUser()
    assert ratelimit.check(signed_in, group="t", key="ip", rate="1/m") is ratelimit.Limit.OK
    assert ratelimit.check(public, group="t", key="ip", rate="1/m") is ratelimit.Limit.UNAVAILABLE


def test_rate_limits_still_count_when_redis_is_up(settings, own_redis):
    with redis_at(settings, own_redis.url):
        request = RequestFactory().post("/x/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        assert ratelimit.check(request, group="t", key="ip", rate="2/m") is ratelimit.Limit.OK
        assert ratelimit.check(request, group="t", key="ip", rate="2/m") is ratelimit.Limit.OK
        assert ratelimit.check(request, group="t", key="ip", rate="2/m") is ratelimit.Limit.LIMITED


# --- Queued work: the outbox ----------------------------------------------------------------------


def test_closing_a_period_with_the_broker_down_says_so_and_the_computation_is_sent_when_redis_returns(
    client, personas, settings, own_redis, django_capture_on_commit_callbacks
):
    make_team("断网镇", staff=2)
    period = open_period()
    client.force_login(personas.org_staff.user)
    own_redis.stop()
    with redis_at(settings, own_redis.url), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluations:period_action", args=[period.pk, "close"]), follow=True)
    page = response.content.decode()
    assert "结果计算已登记，将在服务恢复后自动开始" in page and "正在后台计算结果" not in page
    run = ComputationRun.objects.get(period=period)
    period.refresh_from_db()
    assert run.status == RunStatus.QUEUED and period.state == PeriodState.CLOSED
    entry = OutboxTask.objects.get()
    assert entry.task == "evaluations.tasks.compute_period_task" and entry.args == [run.pk]
    assert entry.sent_at is None and entry.attempts == 1 and entry.last_error

    own_redis.start()
    with redis_at(settings, own_redis.url):
        assert outbox.relay(min_age=timedelta(0)) == 1
        assert outbox.relay(min_age=timedelta(0)) == 0  # sent once, not again
    entry.refresh_from_db()
    assert entry.sent_at is not None and queued_messages(own_redis, django_settings.TASK_QUEUES["scoring"]) == 1


@pytest.mark.worker
def test_a_unit_export_requested_while_redis_is_down_is_built_once_redis_returns(
    client, personas, settings, own_redis, transactional_db
):
    from celery.contrib.testing.worker import start_worker

    client.force_login(personas.org_staff.user)
    own_redis.stop()
    year = today().year
    with redis_at(settings, own_redis.url):
        response = client.post(
            reverse("achievements:exports"), {"unit": personas.unit.pk, "year_from": year, "year_to": year}
        )
        job = DossierExport.objects.get()
        assert response["Location"] == reverse("achievements:export_status", args=[job.pk])
        status = client.get(response["Location"]).content.decode()
    assert job.status == ExportStatus.PENDING and "服务恢复后将自动开始" in status
    assert OutboxTask.objects.get().sent_at is None

    own_redis.start()
    with redis_at(settings, own_redis.url):
        assert outbox.relay(min_age=timedelta(0)) == 1
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.is_finished:
                    break
                time.sleep(0.2)
    assert job.status == ExportStatus.SUCCEEDED, job.error
    assert client.get(reverse("achievements:export_download", args=[job.pk])).status_code == 200


# --- The database drops mid-request ---------------------------------------------------------------


def test_a_database_connection_lost_mid_ballot_gives_a_chinese_page_and_writes_nothing(
    client, transactional_db, monkeypatch
):
    from evaluations.services import ballots

    team = make_team("掉线镇", staff=5, accounts=True)
    period = open_period()
    rater = team["S1"]
    sheet = assignment(period, rater, team.unit)
    client.force_login(rater.user)
    real_store = ballots.store_sheet

    def store_then_lose_the_connection(**kwargs):
        receipt = real_store(**kwargs)  # the submission row and the sealed sheet are written
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return receipt

    monkeypatch.setattr(ballots, "store_sheet", store_then_lose_the_connection)
    lines = len(sheet_lines(sheet))
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), sheet_form(sheet, [80] * lines))
    body = response.content.decode()
    assert response.status_code == 503 and "数据库暂时无法连接，本次操作没有保存" in body
    assert "Traceback" not in body and "<html" in body
    monkeypatch.undo()
    assert not SheetSubmission.objects.filter(assignment=sheet).exists()
    assert not SealedSheet.objects.exists()
    # The next request gets a fresh connection and the sheet can be submitted.
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), sheet_form(sheet, [80] * lines))
    assert response.status_code == 200 and SheetSubmission.objects.filter(assignment=sheet).exists()


def test_the_api_answers_json_when_the_database_is_lost(db):
    from django.db import OperationalError

    from ops.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/api/cadres/")
    response = middleware.process_exception(request, OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503 and "数据库暂时无法连接" in json.loads(response.content)["detail"]


# --- A worker killed during a unit export -----------------------------------------------------------


def _worker_env(own_redis: RedisServer, media_root) -> dict:
    database = django_settings.DATABASES["default"]
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": f"{own_redis.url}/0",
        "REDIS_URL": f"{own_redis.url}/1",
        "CELERY_QUEUE": QUEUE,
        "BALLOT_KEYS": ",".join(django_settings.BALLOT_KEYS),
        "MEDIA_ROOT": str(media_root),
        "SECRET_KEY": django_settings.SECRET_KEY,
    }


@pytest.mark.worker
def test_a_worker_killed_during_a_unit_export_offers_no_zip_and_the_export_fails_visibly(
    client, personas, settings, own_redis, transactional_db
):
    from .factories import CadreFactory

    for i in range(4):  # enough PDFs that the worker is caught in the middle
        CadreFactory(unit=personas.unit, name=f"中断{i}")
    client.force_login(personas.org_staff.user)
    year = today().year
    with redis_at(settings, own_redis.url):
        client.post(reverse("achievements:exports"), {"unit": personas.unit.pk, "year_from": year, "year_to": year})
    job = DossierExport.objects.get()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", PDF_QUEUE, "-l", "warning"],
        cwd=django_settings.BASE_DIR,
        env=_worker_env(own_redis, settings.MEDIA_ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.done >= 1 or job.is_finished:
                break
            time.sleep(0.05)
        assert job.status == ExportStatus.RUNNING and 1 <= job.done < job.total
        worker.send_signal(signal.SIGKILL)  # no clean shutdown: as the OOM killer or a power cut would
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING and not job.file
    assert (
        not list((settings.MEDIA_ROOT / "exports").rglob("*.zip"))
        if (settings.MEDIA_ROOT / "exports").exists()
        else True
    )
    assert client.get(reverse("achievements:export_download", args=[job.pk])).status_code == 404

    # Nobody picks it up again: after the stale time it is shown as failed, not 生成中 for ever.
    DossierExport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=11))
    page = client.get(reverse("achievements:export_status", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "后台进程中断" in page
    assert client.get(reverse("achievements:export_download", args=[job.pk])).status_code == 404


def test_a_redelivered_export_starts_again_and_completes(personas, db):
    """acks_late: a killed worker's message is redelivered; the job then starts from the first cadre."""
    team = make_team("重来镇", leaders=1, team_members=0, staff=1)
    job = DossierExport.objects.create(
        unit=team.unit, year_from=today().year, year_to=today().year, requested_by=personas.org_staff.user
    )
    DossierExport.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=1, heartbeat_at=timezone.now())
    finished = achievement_services.export_run(export_id=job.pk)
    assert finished.status == ExportStatus.SUCCEEDED and finished.done == finished.total == 2 and finished.file
