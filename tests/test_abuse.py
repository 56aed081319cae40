"""Abuse: rate limits that a forged header cannot dodge and that hold for the whole deployment."""

import importlib

import pytest
from django.test import Client, override_settings
from ninja.throttling import AnonRateThrottle

from migrationhub.accounts.tests.factories import make_user
from migrationhub.api.router import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_api_limit(monkeypatch):
    throttle = next(t for t in api.throttle if isinstance(t, AnonRateThrottle))
    monkeypatch.setattr(throttle, "num_requests", 5)


def test_a_rotating_forwarded_for_header_does_not_reset_the_api_limit(reference, tight_api_limit):
    # given: no trusted proxy (the default), a client that invents a new address every time
    client = Client()
    # when
    statuses = [
        client.get("/api/v1/reference/levels", HTTP_X_FORWARDED_FOR=f"10.0.{i}.1").status_code
        for i in range(20)
    ]
    # then: the forged header is ignored; the client is its own address
    assert statuses.count(200) == 5 and statuses.count(429) == 15


@override_settings(MIGRATIONHUB_TRUSTED_PROXIES=1)
def test_behind_one_trusted_proxy_clients_are_told_apart_by_the_address_it_saw(
    reference, tight_api_limit
):
    # given: a proxy that appends the address it received from; clients forge what comes before
    client = Client(REMOTE_ADDR="192.0.2.1")

    def get(real: str, forged: str = "203.0.113.9") -> int:
        header = f"{forged}, {real}"
        return client.get("/api/v1/reference/levels", HTTP_X_FORWARDED_FOR=header).status_code

    # when: one client, whatever it forges, then another client
    first = [get("198.51.100.7", forged=f"10.9.{i}.1") for i in range(8)]
    second = get("198.51.100.8")
    # then
    assert first.count(200) == 5 and first.count(429) == 3
    assert second == 200


def test_forwarded_proto_from_a_client_is_not_believed(reference):
    response = Client().get("/", HTTP_X_FORWARDED_PROTO="https", secure=False)
    assert response.wsgi_request.is_secure() is False


@pytest.mark.parametrize("module", ["migrationhub.settings.dev", "migrationhub.settings.base"])
def test_development_and_production_share_one_cache(module, monkeypatch):
    # given: no Redis configured
    monkeypatch.delenv("REDIS_URL", raising=False)
    # when
    settings = importlib.reload(importlib.import_module(module))
    # then: a cache every worker and app server sees, never a per-process one
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.db.DatabaseCache"


def test_with_redis_the_cache_is_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    settings = importlib.reload(importlib.import_module("migrationhub.settings.base"))
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    monkeypatch.delenv("REDIS_URL")
    importlib.reload(settings)


def test_sign_up_is_limited_per_address_with_a_real_429_page(reference, settings):
    # given
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/h/ip"}
    client = Client()
    # when
    responses = [
        client.post(
            "/accounts/signup/",
            {
                "email": f"p{i}@example.org",
                "password1": "a long passphrase 1",
                "password2": "a long passphrase 1",
            },
        )
        for i in range(5)
    ]
    # then
    assert [r.status_code for r in responses[:3]] == [302, 302, 302]
    blocked = responses[3]
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "Too many attempts" in blocked.content.decode()


def test_a_locked_out_account_is_told_when_to_retry(reference):
    # given
    make_user(email="target@example.org")
    client = Client()
    # when: more failures than the limit
    for _ in range(6):
        response = client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong guess"}
        )
    # then
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 3600
    assert "Too many failed sign-in attempts" in response.content.decode()
