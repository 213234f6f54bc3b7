"""What the readiness check looks at: the database, Redis (cache and broker), a live worker."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from . import outbox
from .worker import HEARTBEAT_STALE_SECONDS, last_heartbeat


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True)
    except Exception as error:
        return Check("database", False, type(error).__name__)


def check_cache() -> Check:
    ping = getattr(cache, "ping", None)
    if ping is None:  # the in-process cache of the embedded mode is always there
        return Check("cache", True, "local")
    return Check("cache", bool(ping()), "" if ping() else "unreachable")


def check_broker() -> Check:
    from celery import current_app

    if current_app.conf.task_always_eager:
        return Check("broker", True, "in-process")
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return Check("broker", True)
    except Exception as error:
        return Check("broker", False, type(error).__name__)


def check_worker() -> Check:
    from celery import current_app

    if current_app.conf.task_always_eager:
        return Check("worker", True, "in-process")
    beat = last_heartbeat()
    if beat is None:
        return Check("worker", False, "no heartbeat")
    age = time.time() - float(beat)
    return Check("worker", age <= HEARTBEAT_STALE_SECONDS, f"last heartbeat {age:.0f}s ago")


def readiness() -> tuple[bool, list[Check]]:
    checks = [check_database(), check_cache(), check_broker(), check_worker()]
    if checks[0].ok:
        pending = outbox.pending_count()
        checks.append(Check("outbox", True, f"{pending} task(s) waiting for the broker"))
    return all(c.ok for c in checks), checks


def summary() -> dict:
    ok, checks = readiness()
    return {
        "status": "ok" if ok else "unavailable",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        "version": getattr(settings, "APP_VERSION", ""),
    }
