"""Operations: liveness and readiness, Prometheus metrics, JSON logs, session timeouts."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import time

import pytest
from django.urls import reverse

from config.celery import app
from ops import worker as ops_worker
from ops.logconfig import logging_config
from ops.sessions import LAST_SEEN_AT, SIGNED_IN_AT

from .servers import closed_port
from .test_faults import redis_at

pytestmark = pytest.mark.django_db


def test_healthz_is_trivial_and_answers_even_with_redis_down(client, settings):
    with redis_at(settings, f"redis://127.0.0.1:{closed_port()}"):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_checks_database_redis_broker_and_a_worker_heartbeat(client, settings):
    app.conf.task_always_eager = False
    from django.core.cache import cache

    cache.delete(ops_worker.HEARTBEAT_KEY)
    response = client.get("/readyz")
    data = response.json()
    assert response.status_code == 503 and data["checks"]["worker"] == {"ok": False, "detail": "no heartbeat"}
    assert data["checks"]["database"]["ok"] and data["checks"]["cache"]["ok"] and data["checks"]["broker"]["ok"]

    ops_worker.beat_once()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ok"

    cache.set(ops_worker.HEARTBEAT_KEY, time.time() - ops_worker.HEARTBEAT_STALE_SECONDS - 5)
    assert client.get("/readyz").status_code == 503

    with redis_at(settings, f"redis://127.0.0.1:{closed_port()}"):
        response = client.get("/readyz")
    data = response.json()
    assert response.status_code == 503
    assert not data["checks"]["cache"]["ok"] and not data["checks"]["broker"]["ok"] and data["checks"]["database"]["ok"]


@pytest.mark.worker
def test_a_running_worker_beats_and_its_tasks_are_measured(client, celery_worker, personas):
    from django.core.cache import cache

    from ops.tasks import relay_outbox

    deadline = time.monotonic() + 10
    while cache.get(ops_worker.HEARTBEAT_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.get("/readyz").status_code == 200
    relay_outbox.delay()
    body = ""
    deadline = time.monotonic() + 30
    while 'task="ops.tasks.relay_outbox"' not in body and time.monotonic() < deadline:
        time.sleep(0.2)
        body = client.get("/metrics").content.decode()
    assert 'cadreperf_celery_task_duration_seconds_count{state="SUCCESS",task="ops.tasks.relay_outbox"}' in body


def test_metrics_cover_views_queues_and_failures_and_are_not_public(client, personas, settings):
    app.conf.task_always_eager = False
    client.force_login(personas.cadre.user)
    client.get(reverse("home"))
    response = client.get("/metrics")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="home"}' in body
    assert f'cadreperf_celery_queue_length{{queue="{settings.CELERY_TASK_DEFAULT_QUEUE}"}}' in body
    assert "cadreperf_outbox_pending 0.0" in body

    from ops.metrics import TASK_FAILURES, _task_failed

    before = TASK_FAILURES.labels(task="demo.task", exception="ValueError")._value.get()
    _task_failed(sender=type("T", (), {"name": "demo.task"})(), exception=ValueError("x"))
    assert TASK_FAILURES.labels(task="demo.task", exception="ValueError")._value.get() == before + 1
    assert 'cadreperf_celery_task_failures_total{exception="ValueError",task="demo.task"}' in (
        client.get("/metrics").content.decode()
    )

    # Outside the monitoring network, without the token: as if there were no such page.
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", **outside).status_code == 404
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus", **outside).status_code == 200


def test_production_logs_are_one_json_object_per_line():
    stream = io.StringIO()
    config = logging_config(fmt="json", level="INFO")
    config["handlers"]["console"]["stream"] = "ext://sys.stderr"
    logging.config.dictConfig(config)
    try:
        handler = logging.getLogger().handlers[0]
        handler.setStream(stream)
        logging.getLogger("cadres.test").warning("导出失败 %s", "教育局", extra={"job": 7})
    finally:
        from django.conf import settings as django_settings

        logging.config.dictConfig(django_settings.LOGGING)
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["level"] == "WARNING" and record["logger"] == "cadres.test"
    assert record["message"] == "导出失败 教育局" and record["job"] == 7 and "time" in record


def _age_session(client, *, signed_in_ago: float, last_seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN_AT] = now - last_seen_ago
    session.save()


def test_an_idle_session_ends_with_a_message(client, personas, settings):
    from datetime import timedelta

    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=20)
    client.force_login(personas.cadre.user)
    _age_session(client, signed_in_ago=600, last_seen_ago=300)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, signed_in_ago=3000, last_seen_ago=21 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login_page = client.get(response["Location"]).content.decode()
    assert "已有 20 分钟未操作" in login_page
    assert client.get(reverse("home")).status_code == 302  # really signed out


def test_a_session_ends_after_the_absolute_timeout_even_when_active(client, personas, settings):
    from datetime import timedelta

    settings.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=2)
    client.force_login(personas.cadre.user)
    _age_session(client, signed_in_ago=2 * 3600 + 5, last_seen_ago=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "登录已超过 2 小时" in client.get(response["Location"]).content.decode()
    api = client.get("/api/")
    assert api.status_code in (401, 403)
