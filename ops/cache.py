"""A Redis cache that degrades instead of failing when Redis is unreachable.

Everything the product keeps in the cache can be rebuilt (public pages, progress bars, the worker
heartbeat), so with Redis stopped a read is a miss and a write is dropped, and the page is served
from the database. Counters are the exception: `incr` raises ValueError, as for a missing key, so
django-ratelimit sees no count and refuses (fails closed); ops.ratelimit decides per visitor.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FAULTS = (RedisConnectionError, RedisTimeoutError, OSError)
# One warning per this many seconds, not one per request.
_WARN_EVERY = 60.0
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > _WARN_EVERY:
        _last_warning = now
        logger.warning("cache unavailable (%s): %s; serving without it", operation, error)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (its ~200 response callbacks included) for every
    cache call; this one keeps one per connection pool (a Redis client is thread-safe and takes
    its connections from the pool as before)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except FAULTS as error:
            _warn("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except FAULTS as error:
            _warn("get_many", error)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except FAULTS as error:
            _warn("has_key", error)
            return False

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout if timeout is not None else self.default_timeout, version)
        except FAULTS as error:
            _warn("set", error)

    def set_many(self, data: dict, timeout: Any = None, version: int | None = None) -> list:
        try:
            return super().set_many(data, timeout if timeout is not None else self.default_timeout, version)
        except FAULTS as error:
            _warn("set_many", error)
            return list(data)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout if timeout is not None else self.default_timeout, version)
        except FAULTS as error:
            _warn("add", error)
            return False

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout if timeout is not None else self.default_timeout, version)
        except FAULTS as error:
            _warn("touch", error)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except FAULTS as error:
            _warn("delete", error)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except FAULTS as error:
            _warn("delete_many", error)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except FAULTS as error:
            _warn("incr", error)
            raise ValueError("cache unavailable") from error

    def clear(self) -> None:
        try:
            super().clear()
        except FAULTS as error:
            _warn("clear", error)

    def get_or_set(self, key: Any, default: Any, timeout: Any = None, version: int | None = None) -> Any:
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout if timeout is not None else self.default_timeout, version=version)
        return value

    def ping(self) -> bool:
        """For the readiness check: True when Redis answers."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except FAULTS:
            return False
