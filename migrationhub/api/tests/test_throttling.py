"""Anonymous API clients are throttled per address, with a stable error and Retry-After."""

import pytest
from ninja.throttling import AnonRateThrottle

from migrationhub.api.router import api
from migrationhub.core.throttling import TokenThrottle

pytestmark = pytest.mark.django_db


def test_anonymous_clients_are_throttled(reference, client, monkeypatch):
    # given a tight limit for this test
    throttle = next(t for t in api.throttle if isinstance(t, AnonRateThrottle))
    monkeypatch.setattr(throttle, "num_requests", 3)
    # when one address sends more
    statuses = [client.get("/api/v1/reference/levels").status_code for _ in range(5)]
    # then
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    response = client.get("/api/v1/reference/levels")
    assert response.json()["code"] == "rate_limited" and int(response["Retry-After"]) > 0


def test_an_anonymous_request_is_counted_once_per_address(reference, client, monkeypatch):
    # given a per-token limit tighter than the per-address one
    anonymous = next(t for t in api.throttle if isinstance(t, AnonRateThrottle))
    per_token = next(t for t in api.throttle if isinstance(t, TokenThrottle))
    monkeypatch.setattr(anonymous, "num_requests", 4)
    monkeypatch.setattr(per_token, "num_requests", 2)
    # when an anonymous client reads
    statuses = [client.get("/api/v1/reference/levels").status_code for _ in range(5)]
    # then only the per-address limit counts it
    assert statuses == [200, 200, 200, 200, 429]


def test_a_stored_answer_counts_once_like_a_rendered_one(reference, client, monkeypatch):
    # given a tight limit, and an answer that the page cache stores on its first request
    throttle = next(t for t in api.throttle if isinstance(t, AnonRateThrottle))
    monkeypatch.setattr(throttle, "num_requests", 3)
    responses = [client.get("/api/v1/reference/objectives") for _ in range(5)]
    # then the first (rendered) and the next two (stored) pass, each counted once, then refused
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert responses[1].content == responses[0].content and "ETag" in responses[1]
    assert responses[4].json()["code"] == "rate_limited"
    assert int(responses[4]["Retry-After"]) > 0
    assert "ETag" not in responses[4]
