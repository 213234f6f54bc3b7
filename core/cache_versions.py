"""Version stamps for page bodies kept in the shared cache.

A body is stored with (or under a key holding) the version that was current when it was built; a
change replaces the version, so no entry built before the change is read again and nothing needs
deleting. The stamps never expire. With the cache unreachable there are no versions: a fresh one
per call means nothing stale is ever served and each page is built from the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def new_version() -> str:
    return uuid.uuid4().hex[:12]


def current_versions(keys: Sequence[str]) -> list[str]:
    """The current version under each key, one made (race-free, `add`) where there is none yet."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, new_version(), None)
        found |= cache.get_many(missing)
    return [found.get(key) or new_version() for key in keys]


def current_version(key: str) -> str:
    return current_versions([key])[0]


def replace_version(key: str, *, after_commit: bool = True) -> None:
    """Retire every entry built under `key`'s version: after the commit by default, so a request
    that reads the data before the commit cannot cache it under the new version."""
    if after_commit:
        transaction.on_commit(lambda: cache.set(key, new_version(), None))
    else:
        cache.set(key, new_version(), None)


def body_of_version(*, version_keys: Sequence[str], key: str, build: Callable[[], T], timeout: int) -> T:
    """The body under `key` if it was built under the current versions, else built and stored with
    them: the versions and the body are read in one round trip, and the versions are read before
    the build, so a change committed during a build is never hidden."""
    found = cache.get_many([*version_keys, key])
    versions = [found.get(version_key) for version_key in version_keys]
    stored = found.get(key)
    if None not in versions and stored is not None and list(stored[0]) == versions:
        return stored[1]
    if None in versions:
        versions = current_versions(version_keys)
    body = build()
    cache.set(key, (versions, body), timeout)
    return body
