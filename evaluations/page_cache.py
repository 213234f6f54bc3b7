"""The results page's body, rendered once per period, filters and language and kept in the shared cache.

The body (charts, filter form, table, pages) is the same for every org staff member, and it only
changes when the period is computed again (its `computed_at` and state are in the key), when
completion figures move, or when a name, a rank or the display settings the rows show change: those
bump one version (after the commit, so no request caches the old rows in between). A timeout bounds
what anything else could leave stale.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from core.cache_versions import LocalCopies, new_version, replace_version
from core.release import release

VERSION_KEY = "evaluations:results-page:version"
TIMEOUT_SECONDS = 10 * 60
BUILD_LOCK_SECONDS = 120  # a builder that died frees the lock after this
BUILD_WAIT_SECONDS = 60.0
BUILD_POLL_SECONDS = 0.05


def invalidate(**_kwargs: Any) -> None:
    replace_version(VERSION_KEY)


def results_body_key(period: Any, query: str) -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    computed = period.computed_at.isoformat() if period.computed_at else ""
    language = translation.get_language() or ""
    return f"evaluations:results-page:{release()}:{period.pk}:{period.state}:{computed}:{language}:{digest}"


def _stored(key: str) -> tuple[Any, Any]:
    """The current version and the stored (version, body) of `key`, in one round trip."""
    found = cache.get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY), found.get(key)


def results_body(period: Any, query: str, build: Any) -> str:
    """The body from the cache, stored with the version it was built under: the version and the body
    are read in one round trip, and a body is used only while its version is the current one (the
    version is read before the build, so a change committed during a build is never hidden).

    A missing body is built by one request at a time (a lock in the cache, BUILD_LOCK_SECONDS at
    most): the others that ask for the same body meanwhile wait for it rather than all building it
    at once — the first look at a period's results at city scale takes seconds of CPU and a
    database's worth of rows. A wait longer than BUILD_WAIT_SECONDS builds without the lock, and
    without the cache every request builds its own, as before. Each process also keeps the bodies
    it read while their version is current (`LocalCopies`): a hit reads only the version."""
    key = results_body_key(period, query)
    return _LOCAL.body_via(
        version_keys=[VERSION_KEY], key=key, timeout=TIMEOUT_SECONDS, fetch=lambda: _shared_body(key, build)
    )


_LOCAL = LocalCopies[str](max_entries=64)


def _shared_body(key: str, build: Any) -> str:
    version, stored = _stored(key)
    if version is not None and stored is not None and stored[0] == version:
        return str(stored[1])
    if version is None:
        cache.add(VERSION_KEY, new_version(), None)
        version = cache.get(VERSION_KEY)
        if version is None:  # no cache: nothing to share or to lock
            return str(build())
    lock = f"{key}:building"
    locked = cache.add(lock, 1, BUILD_LOCK_SECONDS)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not locked and time.monotonic() < deadline:
        time.sleep(BUILD_POLL_SECONDS)
        current, stored = _stored(key)
        if current is not None and stored is not None and stored[0] == current:
            return str(stored[1])
        version = current or version  # read before any build of ours, as above
        locked = cache.add(lock, 1, BUILD_LOCK_SECONDS)
    try:
        body = build()
        cache.set(key, (version, body), TIMEOUT_SECONDS)
    finally:
        if locked:
            cache.delete(lock)
    return str(body)


def connect() -> None:
    from cadres.models import Cadre, RankLevel, Unit

    from .models import ComputationRun, EvaluationSettings, GradeChange, PaperSheet, Period, QuarterlyResult

    models = (
        Cadre,
        Unit,
        RankLevel,
        Period,
        ComputationRun,
        EvaluationSettings,
        GradeChange,
        PaperSheet,
        QuarterlyResult,
    )
    for model in models:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"results-page-{model.__name__}-save")
        # Not on a result's delete: a delete signal makes Django load and delete a recompute's old
        # results row by row (2.5 CPU s at 50,000 cadres) instead of in one statement. Results are
        # only deleted by a recompute, whose new `computed_at` is in the key, or with their
        # period or cadre, whose own signals replace the version.
        if model is not QuarterlyResult:
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"results-page-{model.__name__}-delete")
