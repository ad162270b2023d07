"""Django's Redis cache, degrading to this process's memory while Redis cannot be reached.

What lives in the cache is throttle and rate-limit counters (DRF, allauth) and things worth
remembering for a while; none is needed for correctness. Without this a Redis outage made
every request that touches the cache a 500, signing in included (issue 12.8). With it, a
failed call marks Redis down for RETRY_SECONDS and answers from a local-memory cache, so
throttles go on counting per process (N processes admit up to N times a limit for the
outage) and signing in keeps working; Redis is tried again after that pause.
"""

import logging
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0
_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )
        self._down_until = 0.0


def _resilient(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return redis_method(self, *args, **kwargs)
            except redis.RedisError as exc:
                self._down_until = time.monotonic() + RETRY_SECONDS
                log.warning("cache Redis unavailable (%s); using this process's memory", exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in _METHODS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
