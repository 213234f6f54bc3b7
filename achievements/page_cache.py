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
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from core.release import release

ALL_KEY = "achievements:feed:version"
TIMEOUT_SECONDS = 10 * 60


def _unit_key(unit_id: int) -> str:
    return f"achievements:feed:unit:{unit_id}"


def _new() -> str:
    return uuid.uuid4().hex[:12]


def _versions(unit_id: int) -> list[str]:
    keys = [ALL_KEY, _unit_key(unit_id)]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, _new(), None)
        found |= cache.get_many(missing)
    # Without the cache there are no versions: fresh ones per call mean nothing stale is served.
    return [found.get(k) or _new() for k in keys]


def _replace(key: str) -> None:
    transaction.on_commit(lambda: cache.set(key, _new(), None))


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
    """The body from the cache, stored with the two versions it was built under: versions and body
    are read in one round trip, and a body is used only while both are the current ones (they are
    read before the build, so a change committed during a build is never hidden)."""
    key = feed_body_key(unit_id=unit_id, readable=readable, today=today, query=query)
    version_keys = [ALL_KEY, _unit_key(unit_id)]
    found = cache.get_many([*version_keys, key])
    versions = [found.get(k) for k in version_keys]
    stored = found.get(key)
    if None not in versions and stored is not None and list(stored[0]) == versions:
        return str(stored[1])
    if None in versions:
        versions = _versions(unit_id)
    body = build()
    cache.set(key, (versions, body), TIMEOUT_SECONDS)
    return body


def connect() -> None:
    from cadres.models import Cadre, Unit

    from .models import DailyLog, SelfAssessment

    for model in (DailyLog, SelfAssessment):
        post_save.connect(_unit_changed, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-save")
        post_delete.connect(_unit_changed, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-delete")
    for model in (Cadre, Unit):
        post_save.connect(invalidate_all, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-save")
        post_delete.connect(invalidate_all, sender=model, dispatch_uid=f"unit-feed-{model.__name__}-delete")
