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
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle
from redis.exceptions import NoScriptError

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
    allowed, wait, _found = hit_and_read(key, limit=limit, period=period, now=now, keys=())
    return allowed, wait


def hit_and_read(
    key: str, *, limit: int, period: int, now: float, keys: Sequence[str]
) -> tuple[bool, float, dict[str, Any]]:
    """`hit`, and the cache entries `keys` (`cache.get_many`'s answer) in the same round trip:
    a stored API answer needs both, and on a busy server each round trip to Redis costs the
    worker about as much as serving the answer (`cached_api`)."""
    window, position = divmod(now / period, 1)
    current_key, previous_key = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
    weight = 1.0 - position  # the share of the previous window still inside the sliding one
    redis = _redis_client()
    if redis is not None:
        allowed, current, previous, found = _hit_redis(
            redis, [current_key, previous_key], [limit, weight, 2 * period], keys
        )
    else:
        allowed, current, previous, found = _hit_portable(
            current_key, previous_key, limit=limit, weight=weight, ttl=2 * period, keys=keys
        )
    if allowed:
        return True, 0.0, found
    wait = _wait(current, previous, limit=limit, period=period, position=position)
    return False, wait, found


def _hit_redis(
    redis: Any, counters: list[str], args: list[Any], keys: Sequence[str]
) -> tuple[bool, int, int, dict[str, Any]]:
    script = _scripts.get(id(redis))
    if script is None:
        script = _scripts[id(redis)] = redis.register_script(_SCRIPT)
    counter_keys = [cache.make_key(k) for k in counters]
    found: dict[str, Any] = {}
    if not keys:
        counted = script(keys=counter_keys, args=args)
    else:
        made = {cache.make_key(k): k for k in keys}
        pipe = redis.pipeline(transaction=False)
        pipe.evalsha(script.sha, len(counter_keys), *counter_keys, *args)
        pipe.mget(list(made))
        counted, values = pipe.execute(raise_on_error=False)
        if isinstance(counted, NoScriptError):  # Redis restarted or flushed its scripts
            counted = script(keys=counter_keys, args=args)
        for result in (counted, values):
            if isinstance(result, Exception):
                raise result
        decode = cache.client.decode  # type: ignore[attr-defined]  # django-redis's
        found = {made[k]: decode(v) for k, v in zip(made, values, strict=True) if v is not None}
    allowed, current, previous = counted
    return bool(allowed), int(current), int(previous), found


_scripts: dict[int, Any] = {}


def _hit_portable(
    current_key: str,
    previous_key: str,
    *,
    limit: int,
    weight: float,
    ttl: int,
    keys: Sequence[str],
) -> tuple[bool, int, int, dict[str, Any]]:
    found = cache.get_many([current_key, previous_key, *keys])
    current = int(found.pop(current_key, 0))
    previous = int(found.pop(previous_key, 0))
    if previous * weight + current >= limit:
        return False, current, previous, found
    current += 1
    cache.set(current_key, current, ttl)
    return True, current, previous, found


def _wait(current: int, previous: int, *, limit: int, period: int, position: float) -> float:
    """Seconds until the weighted count falls under the limit (the previous window fading out)."""
    if current >= limit or previous == 0:
        return max(1.0, (1.0 - position) * period)
    # previous * (1 - position - t/period) + current < limit  →  solve for t
    fade = (1.0 - position) - (limit - current) / previous
    return max(1.0, math.ceil(fade * period))


COUNTED = "_migrationhub_counted"
"""The request attribute holding the throttles' decisions already taken for it
(`AtomicRateMixin.counting_read`): its key -> (allowed, wait)."""


class AtomicRateMixin(SimpleRateThrottle):
    """A ninja throttle whose counting is `hit`'s (atomic, one round trip)."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None or self.num_requests is None or self.duration is None:
            return True
        counted = getattr(request, COUNTED, {}).pop(self.key, None)
        if counted is not None:  # counted with a read of the page cache: once per request
            allowed, self._retry_after = counted
            return allowed
        allowed, self._retry_after = hit(
            self.key, limit=self.num_requests, period=self.duration, now=time.time()
        )
        return allowed

    def counting_read(
        self, request: HttpRequest
    ) -> Callable[[Sequence[str]], dict[str, Any]] | None:
        """A `cache.get_many` that also counts `request` against this rate, in the same round
        trip, and leaves the decision on the request for `allow_request`; None when this
        throttle does not count the request (ninja's auth has not run yet: an anonymous
        request's key is the same before and after it)."""
        key = self.get_cache_key(request)
        limit, period = self.num_requests, self.duration
        if key is None or limit is None or period is None:
            return None

        def read(keys: Sequence[str]) -> dict[str, Any]:
            allowed, wait, found = hit_and_read(
                key, limit=limit, period=period, now=time.time(), keys=keys
            )
            counted = getattr(request, COUNTED, None)
            if counted is None:
                counted = {}
                setattr(request, COUNTED, counted)
            counted[key] = (allowed, wait)
            return found

        return read

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
