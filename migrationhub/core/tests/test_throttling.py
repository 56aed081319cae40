"""The shared rate counter: sliding-window arithmetic, atomic under concurrent workers on Redis,
one round trip per request."""

import threading
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from migrationhub.core import throttling


def redis_cache():
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
                "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
            }
        }
    )


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request):
    if request.param == "locmem":
        cache.clear()
        yield
        return
    with redis_cache():
        try:
            cache.get("ping")
        except Exception:  # pragma: no cover - Redis is part of the test environment
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        yield


def test_a_limit_refuses_the_request_past_it_and_says_when_to_come_back(shared_cache):
    # given a limit of 10 per minute, at the start of a window
    outcomes = [throttling.hit("k", limit=10, period=60, now=6000.0) for _ in range(12)]
    # then ten pass, the rest are refused with a positive wait within the window
    assert [allowed for allowed, _ in outcomes] == [True] * 10 + [False] * 2
    assert 0 < outcomes[-1][1] <= 60


def test_the_previous_window_counts_by_the_share_still_in_view(shared_cache):
    # given ten requests in one window (the limit)
    for _ in range(10):
        assert throttling.hit("k2", limit=10, period=60, now=6000.0)[0]
    # when half of the next window has passed, half of the previous one is still in view
    later = [throttling.hit("k2", limit=10, period=60, now=6090.0)[0] for _ in range(7)]
    # then five more pass (5 + 5 = 10), not ten
    assert later == [True] * 5 + [False] * 2
    # and two windows later, the full limit again
    assert all(throttling.hit("k2", limit=10, period=60, now=6200.0)[0] for _ in range(10))


def test_concurrent_workers_never_pass_more_than_the_limit_on_redis():
    with redis_cache():
        allowed: list[bool] = []
        lock = threading.Lock()

        def client() -> None:
            for _ in range(40):
                ok, _wait = throttling.hit("burst", limit=100, period=3600, now=7200.0)
                with lock:
                    allowed.append(ok)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # then exactly the limit passed, of 320 attempts
        assert allowed.count(True) == 100 and len(allowed) == 320


def test_a_request_costs_one_round_trip_on_redis():
    with redis_cache():
        throttling.hit("trip", limit=5, period=60, now=100.0)  # registers the script
        client = throttling._redis_client()
        sent: list[object] = []
        original = client.execute_command

        def counting(*args, **kwargs):
            sent.append(args[0])
            return original(*args, **kwargs)

        client.execute_command = counting
        try:
            throttling.hit("trip", limit=5, period=60, now=100.0)
        finally:
            del client.execute_command
        assert sent == ["EVALSHA"]


def test_a_count_and_a_read_of_the_cache_share_one_round_trip_on_redis():
    with redis_cache():
        cache.set_many({"page": {"body": "é"}, "generation": "1.a"})
        throttling.hit("shared", limit=5, period=60, now=100.0)  # registers the script
        client = throttling._redis_client()
        trips: list[str] = []
        original_command, original_pipeline = client.execute_command, client.pipeline

        def command(*args, **kwargs):
            trips.append(args[0])
            return original_command(*args, **kwargs)

        def pipeline(*args, **kwargs):
            pipe = original_pipeline(*args, **kwargs)
            execute = pipe.execute

            def counted(*a, **kw):
                trips.append("pipeline of " + ",".join(c[0][0] for c in pipe.command_stack))
                return execute(*a, **kw)

            pipe.execute = counted
            return pipe

        client.execute_command, client.pipeline = command, pipeline
        try:
            outcomes = [
                throttling.hit_and_read(
                    "shared", limit=5, period=60, now=100.0, keys=["page", "generation", "gone"]
                )
                for _ in range(5)
            ]
        finally:
            del client.execute_command, client.pipeline
        # then each call was one pipelined round trip: the count and the entries, decoded
        assert trips == ["pipeline of EVALSHA,MGET"] * 5
        assert outcomes[0][2] == {"page": {"body": "é"}, "generation": "1.a"}
        # and the count is the one `hit` keeps: 1 before, 4 more allowed, then refused
        assert [allowed for allowed, _wait, _found in outcomes] == [True] * 4 + [False]
        assert outcomes[-1][2] == outcomes[0][2]


def test_a_count_survives_redis_forgetting_its_script():
    with redis_cache():
        throttling.hit("forgot", limit=5, period=60, now=100.0)  # registers the script
        throttling._redis_client().script_flush()
        cache.set("page", "stored")
        allowed, _wait, found = throttling.hit_and_read(
            "forgot", limit=5, period=60, now=100.0, keys=["page"]
        )
        assert allowed and found == {"page": "stored"}
        assert throttling.hit("forgot", limit=2, period=60, now=100.0)[0] is False  # 2 counted


def test_a_count_and_a_read_on_any_other_cache(shared_cache):
    cache.set("entry", [1, 2])
    outcomes = [
        throttling.hit_and_read("other", limit=2, period=60, now=6000.0, keys=["entry", "none"])
        for _ in range(3)
    ]
    assert [(allowed, found) for allowed, _wait, found in outcomes] == [
        (True, {"entry": [1, 2]}),
        (True, {"entry": [1, 2]}),
        (False, {"entry": [1, 2]}),
    ]
