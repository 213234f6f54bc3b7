"""The unit feed's body, rendered once per unit, filters, reader's units, day and language, kept in the shared cache.

The body (filter form, posted self-assessments, the logs and their pages) is the same for every
reader of a unit who may read the same units (the unit picker lists them), so it is keyed on the
unit, the query string, a digest of the reader's readable units, today (the default range ends
today) and the language. Two versions are stored with the body (read with it in one round trip,
the body used only while both are current): the unit's, which a log written, edited or
deleted in the unit and a self-assessment of the unit change, and one for all feeds, which a
change of any cadre (names, posts, roles, moves) or unit changes. Both are replaced after the
commit, so no request caches the old rows in between; a timeout bounds what anything else (a
bulk write without signals) could leave stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import translation

from core.cache_versions import LocalCopies, replace_version
from core.release import release

ALL_KEY = "achievements:feed:version"
TIMEOUT_SECONDS = 10 * 60


def _unit_key(unit_id: int) -> str:
    return f"achievements:feed:unit:{unit_id}"


def _replace(key: str) -> None:
    replace_version(key)


def invalidate_unit(unit_id: int) -> None:
    """A log or self-assessment of the unit changed: its feed is built again after the commit."""
    _replace(_unit_key(unit_id))


def invalidate_all(**_kwargs: Any) -> None:
    _replace(ALL_KEY)


def _unit_changed(instance: Any, **_kwargs: Any) -> None:
    invalidate_unit(instance.unit_id)


def feed_body_key(*, unit_id: int, readable: Iterable[int], today: date, query: str) -> str:
    """The body's key; the versions it was built under are stored with it (feed_body)."""
    units = hashlib.sha256(",".join(map(str, sorted(readable))).encode()).hexdigest()[:16]
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    language = translation.get_language() or ""
    return f"achievements:feed:{release()}:{unit_id}:{units}:{today.isoformat()}:{language}:{digest}"


def feed_body(*, unit_id: int, readable: Iterable[int], today: date, query: str, build: Callable[[], str]) -> str:
    """The body from the cache, stored with the two versions it was built under, and used only while
    both are the current ones (they are read before the build, so a change committed during a build
    is never hidden). This process's copy is used while current: then only the versions are read."""
    key = feed_body_key(unit_id=unit_id, readable=readable, today=today, query=query)
    return _LOCAL.body(version_keys=[ALL_KEY, _unit_key(unit_id)], key=key, build=build, timeout=TIMEOUT_SECONDS)


# Bodies also kept in each process while current: a feed opened again reads only the two versions.
_LOCAL = LocalCopies[str](max_entries=128)


def connect() -> None:
    from cadres.models import Cadre, Unit

    from .models import DailyLog, SelfAssessment

    for model in (DailyLog, SelfAssessment):
        post_save.connect(_unit_changed, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-save")
        post_delete.connect(_unit_changed, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-delete")
    for model in (Cadre, Unit):
        post_save.connect(invalidate_all, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-save")
        post_delete.connect(invalidate_all, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-delete")
