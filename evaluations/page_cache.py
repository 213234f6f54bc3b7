"""The results page's body, rendered once per period, filters and language and kept in the shared cache.

The body (charts, filter form, table, pages) is the same for every org staff member, and it only
changes when the period is computed again (its `computed_at` and state are in the key), when
completion figures move, or when a name, a rank or the display settings the rows show change: those
bump one version (after the commit, so no request caches the old rows in between). A timeout bounds
what anything else could leave stale.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import translation

from core.cache_versions import body_of_version, replace_version
from core.release import release

VERSION_KEY = "evaluations:results-page:version"
TIMEOUT_SECONDS = 10 * 60


def invalidate(**_kwargs: Any) -> None:
    replace_version(VERSION_KEY)


def results_body_key(period: Any, query: str) -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    computed = period.computed_at.isoformat() if period.computed_at else ""
    language = translation.get_language() or ""
    return f"evaluations:results-page:{release()}:{period.pk}:{period.state}:{computed}:{language}:{digest}"


def results_body(period: Any, query: str, build: Any) -> str:
    """The body from the cache, stored with the version it was built under: the version and the body
    are read in one round trip, and a body is used only while its version is the current one (the
    version is read before the build, so a change committed during a build is never hidden)."""
    return str(
        body_of_version(
            version_key=VERSION_KEY, key=results_body_key(period, query), build=build, timeout=TIMEOUT_SECONDS
        )
    )


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
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"results-page-{model.__name__}-delete")
