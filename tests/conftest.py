"""Shared fixtures: service checks, personas, a real Celery worker, headless Chromium."""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from .personas import Personas, make_personas, shared_rows

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session: pytest.Session) -> None:
    """The suite runs on PostgreSQL and Redis; a missing service is a failure, never a skip."""
    database = settings.DATABASES["default"]
    problems = []
    if database["ENGINE"] != "django.db.backends.postgresql":
        problems.append(f"the test database must be PostgreSQL, not {database['ENGINE']} (DATABASE_URL)")
    elif not _reachable(database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)):
        problems.append(f"PostgreSQL is not reachable at {database.get('HOST')}:{database.get('PORT')}")
    from urllib.parse import urlparse

    for name, url in (("Redis (cache)", settings.REDIS_URL), ("Redis (Celery broker)", settings.CELERY_BROKER_URL)):
        parsed = urlparse(url)
        if parsed.scheme != "redis" or not _reachable(parsed.hostname, parsed.port or 6379):
            problems.append(f"{name} is not reachable at {url}")
    if problems:
        pytest.exit("Required services missing:\n  " + "\n  ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _catalogues_loaded() -> None:
    """Each (xdist) process reads the compiled catalogues once, up front: `make run` in
    test_embedded_default recompiles them while tests on the other worker are running."""
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Log in")


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """A request in English leaves English active in the thread; each test starts in the default language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache_and_eager_celery(request: pytest.FixtureRequest) -> None:
    """Each test starts with an empty cache; tasks run in-process unless a test asks for the worker."""
    from django.core.cache import cache

    from config.celery import app
    from core.cache_versions import clear_local_copies

    _clear_own_cache_keys(cache)
    clear_local_copies()
    app.conf.task_always_eager = "worker" not in request.keywords
    yield
    app.conf.task_always_eager = False


def _clear_own_cache_keys(cache) -> None:
    """Like cache.clear(), but only this run's keys: other test runs may share the Redis database."""
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def personas(db) -> Personas:
    """Fresh personas for each test (tests/personas.py); access matrices share one set per module."""
    return make_personas()


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """``yield from shared(build)`` in a module-scoped fixture: rows built once for the module, rolled
    back after its last test (tests/personas.py: shared_rows)."""
    return functools.partial(shared_rows, django_db_blocker=django_db_blocker, tmp_path_factory=tmp_path_factory)


@pytest.fixture(scope="module")
def shared_personas(shared) -> Iterator[Personas]:
    """The personas made once for a module; a module that uses them overrides `personas` with
    ``copy_of(shared_personas)``."""
    yield from shared(make_personas)


# --- Celery worker -------------------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker on the Redis broker, in this process, on this run's own queue."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


# --- Browser ---------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def browser_login(page, username: str, password: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
