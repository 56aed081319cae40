"""Rate limits counted atomically in the shared cache, in one round trip per request.

django-ninja's throttles keep each client's request times as a list in the cache: read the list,
drop old times, write it back. That is two round trips carrying up to `rate` timestamps, and a
read–decide–write race: concurrent requests from one client read the same list and each writes
back its own, so a burst from several workers is under-counted.

Here a client's rate is a sliding-window counter (the previous fixed window's count, weighted by
how much of it is still inside the sliding window, plus the current window's count):
- with Redis (production), one Lua script reads both counters, decides, and increments only an
  allowed request, atomically, in a single round trip;
- with another cache (the database cache of a Redis-less install, the test cache), the same
  arithmetic over one `get_many` and one `set` (what ninja's throttle cost there); that is a
  read–decide–write, so a concurrent burst may pass a few requests over the limit: deployments
  with more than one worker process should use Redis (docs/reference/configuration.md).

Only allowed requests are counted, so a client that keeps knocking after its limit gets in again
as soon as its rate falls under the limit. The estimate's error is bounded by the previous
window's share and is the trade-off Cloudflare and Redis's own rate-limit patterns make for O(1)
memory per client.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle

# KEYS: current window, previous window. ARGV: limit, weight of the previous window, ttl.
_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[2]) + current >= tonumber(ARGV[1]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return {1, current, previous}
"""


def _redis_client() -> Any | None:
    """The raw Redis client behind the default cache (django-redis), or None for other caches."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def hit(key: str, *, limit: int, period: int, now: float) -> tuple[bool, float]:
    """Count one request of `key` if it stays within `limit` per `period` seconds.

    Returns (allowed, seconds until a refused client is let in again).
    """
    window, position = divmod(now / period, 1)
    current_key, previous_key = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
    weight = 1.0 - position  # the share of the previous window still inside the sliding one
    redis = _redis_client()
    if redis is not None:
        script = _scripts.get(id(redis))
        if script is None:
            script = _scripts[id(redis)] = redis.register_script(_SCRIPT)
        allowed, current, previous = script(
            keys=[cache.make_key(current_key), cache.make_key(previous_key)],
            args=[limit, weight, 2 * period],
        )
        allowed, current, previous = bool(allowed), int(current), int(previous)
    else:
        allowed, current, previous = _hit_portable(
            current_key, previous_key, limit=limit, weight=weight, ttl=2 * period
        )
    if allowed:
        return True, 0.0
    return False, _wait(current, previous, limit=limit, period=period, position=position)


_scripts: dict[int, Any] = {}


def _hit_portable(
    current_key: str, previous_key: str, *, limit: int, weight: float, ttl: int
) -> tuple[bool, int, int]:
    counts = cache.get_many([current_key, previous_key])
    current = int(counts.get(current_key, 0))
    previous = int(counts.get(previous_key, 0))
    if previous * weight + current >= limit:
        return False, current, previous
    current += 1
    cache.set(current_key, current, ttl)
    return True, current, previous


def _wait(current: int, previous: int, *, limit: int, period: int, position: float) -> float:
    """Seconds until the weighted count falls under the limit (the previous window fading out)."""
    if current >= limit or previous == 0:
        return max(1.0, (1.0 - position) * period)
    # previous * (1 - position - t/period) + current < limit  →  solve for t
    fade = (1.0 - position) - (limit - current) / previous
    return max(1.0, math.ceil(fade * period))


class AtomicRateMixin(SimpleRateThrottle):
    """A ninja throttle whose counting is `hit`'s (atomic, one round trip)."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None or self.num_requests is None or self.duration is None:
            return True
        allowed, self._retry_after = hit(
            self.key, limit=self.num_requests, period=self.duration, now=time.time()
        )
        return allowed

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)


class AnonThrottle(AtomicRateMixin, AnonRateThrottle):
    """MIGRATIONHUB_API_ANON_RATE per client address (core.middleware has made REMOTE_ADDR the
    client's, trusting only the configured proxies)."""


class TokenThrottle(AtomicRateMixin, AuthRateThrottle):
    """MIGRATIONHUB_API_USER_RATE per token user. Ninja's AuthRateThrottle counts anonymous
    requests by address too, a second counter beside AnonThrottle's for the same address; here
    anonymous requests are counted by AnonThrottle alone."""

    def get_cache_key(self, request: HttpRequest) -> str | None:  # type: ignore[override]
        if getattr(request, "auth", None) is None:
            return None
        return super().get_cache_key(request)
