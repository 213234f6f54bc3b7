"""The results body's first build (evaluations/page_cache.py): requests that miss the same body at
once build it once and all get it; a body stale by version is never handed to a waiter; a lock held
too long (a builder that died) costs a wait, not the page; without the cache each request builds."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from evaluations import page_cache

PERIOD = SimpleNamespace(pk=987_654, state="computed", computed_at=None)


@pytest.fixture(autouse=True)
def _fresh_keys():
    query = f"lock-test-{time.monotonic_ns()}"
    yield query
    cache.delete_many(
        [page_cache.results_body_key(PERIOD, query), page_cache.results_body_key(PERIOD, query) + ":building"]
    )


def test_concurrent_misses_build_once_and_all_get_the_body(_fresh_keys) -> None:
    builds: list[int] = []
    started = threading.Barrier(6)

    def build() -> str:
        builds.append(1)
        time.sleep(0.4)
        return "<table>body</table>"

    results: list[str] = []

    def ask() -> None:
        started.wait()
        results.append(page_cache.results_body(PERIOD, _fresh_keys, build))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["<table>body</table>"] * 6
    assert len(builds) == 1
    # Seen again: from the cache, no build; the lock is gone.
    assert page_cache.results_body(PERIOD, _fresh_keys, lambda: "rebuilt") == "<table>body</table>"
    assert cache.get(page_cache.results_body_key(PERIOD, _fresh_keys) + ":building") is None


def test_a_change_during_the_wait_is_not_hidden(_fresh_keys) -> None:
    key = page_cache.results_body_key(PERIOD, _fresh_keys)
    page_cache.results_body(PERIOD, _fresh_keys, lambda: "old")  # the version exists
    cache.add(key + ":building", 1, 60)  # someone else is building
    cache.set(key, ("a-version-no-longer-current", "stale"), 60)

    def release_later() -> None:
        time.sleep(0.3)
        cache.delete(key + ":building")

    threading.Thread(target=release_later).start()
    assert page_cache.results_body(PERIOD, _fresh_keys, lambda: "fresh") == "fresh"


def test_a_lock_held_too_long_costs_a_wait_not_the_page(_fresh_keys, monkeypatch) -> None:
    key = page_cache.results_body_key(PERIOD, _fresh_keys)
    page_cache.results_body(PERIOD, _fresh_keys, lambda: "first")
    cache.delete(key)
    cache.add(key + ":building", 1, 60)  # a builder that died
    monkeypatch.setattr(page_cache, "BUILD_WAIT_SECONDS", 0.2)
    began = time.monotonic()
    assert page_cache.results_body(PERIOD, _fresh_keys, lambda: "built anyway") == "built anyway"
    assert 0.2 <= time.monotonic() - began < 5
    assert cache.get(key + ":building") == 1  # not ours to release


def test_without_the_cache_every_request_builds(monkeypatch) -> None:
    monkeypatch.setattr(page_cache.cache, "get_many", lambda keys: {})
    monkeypatch.setattr(page_cache.cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(page_cache.cache, "get", lambda *args, **kwargs: None)
    builds: list[int] = []
    for _ in range(3):
        assert page_cache.results_body(PERIOD, "no-cache", lambda: builds.append(1) or "b") == "b"
    assert len(builds) == 3
