"""Version stamps for page bodies kept in the shared cache.

A body is stored with (or under a key holding) the version that was current when it was built; a
change replaces the version, so no entry built before the change is read again and nothing needs
deleting. The stamps never expire. With the cache unreachable there are no versions: a fresh one
per call means nothing stale is ever served and each page is built from the database.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

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


class LocalCopies(Generic[T]):
    """Bodies of `body_of_version` also kept in this process (least recently used go first), used
    while their versions are current and for no longer than the shared entry's timeout. A hit
    reads only the small version stamps from the cache, not the body: no transfer and no
    unpickling of a page or a sheet's rows on every request.

    The versions are read before the body, so a copy is kept under versions no newer than its
    body's, and a change (a new version) is seen by the next request of every process.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._store: OrderedDict[str, tuple[list[str], float, T]] = OrderedDict()
        self._lock = threading.Lock()
        _ALL_LOCAL_COPIES.append(self)

    def body(self, *, version_keys: Sequence[str], key: str, build: Callable[[], T], timeout: int) -> T:
        """`body_of_version`, with this process's copy when it is current."""
        return self.body_via(
            version_keys=version_keys,
            key=key,
            timeout=timeout,
            fetch=lambda: body_of_version(version_keys=version_keys, key=key, build=build, timeout=timeout),
        )

    def body_via(self, *, version_keys: Sequence[str], key: str, timeout: int, fetch: Callable[[], T]) -> T:
        """This process's copy of `key` when it is current, else `fetch()` (the shared entry, or a
        build), kept as the copy under the versions read before it."""
        found = cache.get_many(list(version_keys))
        versions = [found.get(version_key) for version_key in version_keys]
        now = time.monotonic()
        if None not in versions:
            with self._lock:
                copy = self._store.get(key)
                if copy is not None and copy[0] == versions and copy[1] > now:
                    self._store.move_to_end(key)
                    return copy[2]
        body = fetch()
        if None not in versions:
            with self._lock:
                self._store[key] = (versions, now + timeout, body)  # type: ignore[assignment]  # no None
                self._store.move_to_end(key)
                while len(self._store) > self.max_entries:
                    self._store.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


_ALL_LOCAL_COPIES: list[LocalCopies] = []


def clear_local_copies() -> None:
    """Forget every process-local copy (tests; the shared entries stay)."""
    for copies in _ALL_LOCAL_COPIES:
        copies.clear()
