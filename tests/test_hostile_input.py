"""Hostile input gets a clear error, never a server error, and writes nothing."""

import pytest

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.models import Practice
from migrationhub.organisations.models import Organisation
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

BODIES = {
    "a NUL byte": ('"title": "fair\\u0000fees"', "title"),
    "a lone surrogate": ('"title": "fair \\ud800 fees"', "title"),
    "an objective of 10^30": ('"objectives": [1000000000000000000000000000000]', "objectives.0"),
    "an objective of 10^15": ('"objectives": [1000000000000000]', "objectives"),
    "NaN as a year": ('"period_start": NaN', "period_start"),
    "a NUL byte in a key": ('"ti\\u0000tle": "x"', "body"),
}


@pytest.fixture
def writer(reference):
    user = make_user()
    org = make_organisation(admin=user)
    _token, key = api_token_create(user=user, name="t")
    return org, {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("case", BODIES, ids=list(BODIES))
def test_hostile_json_bodies_are_422_with_the_field_named(client, writer, case):
    # given
    org, auth = writer
    fragment, field = BODIES[case]
    body = f'{{"organisation": "{org.slug}", "summary": "s", "title": "t", {fragment}}}'
    # when
    response = client.post("/api/v1/practices/", body, content_type="application/json", **auth)
    # then
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_failed"
    assert field in response.json()["fields"]
    assert not Practice.objects.exists()


def test_a_body_nested_beyond_reason_is_422(client, writer):
    _org, auth = writer
    response = client.post(
        "/api/v1/organisations/", "[" * 100_000, content_type="application/json", **auth
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_failed"


def test_a_30_mb_body_is_413_in_the_api_shape(client, writer):
    # given
    _org, auth = writer
    before = Organisation.objects.count()
    # when
    response = client.post(
        "/api/v1/organisations/", "x" * (30 * 1024 * 1024), content_type="application/json", **auth
    )
    # then
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "The request body is too large.",
        "fields": {},
    }
    assert Organisation.objects.count() == before


def test_a_nul_byte_in_a_form_is_a_form_error(client, reference):
    client.force_login(make_user())
    response = client.post(
        "/organisations/new/",
        {"name": "Null\x00Org", "stakeholder_type": "media", "level": "global"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not Organisation.objects.filter(name__startswith="Null").exists()


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "ftp://x.org"],
)
def test_a_website_is_a_web_address(client, writer, website):
    _org, auth = writer
    response = client.post(
        "/api/v1/organisations/",
        {"name": "Shady", "stakeholder_type": "media", "level": "global", "website": website},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422 and "website" in response.json()["fields"]
    assert not Organisation.objects.filter(name="Shady").exists()


def test_a_writer_that_finds_the_database_locked_gets_503_and_retry_after(
    client, writer, monkeypatch
):
    # given: the database stays locked longer than the writer's bounded wait (busy_timeout)
    from django.db import OperationalError

    from migrationhub.organisations import services

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "organisation_create", locked)
    _org, auth = writer
    # when
    api = client.post(
        "/api/v1/organisations/",
        {"name": "Waiting", "stakeholder_type": "media", "level": "global"},
        content_type="application/json",
        **auth,
    )
    client.force_login(make_user())
    page = client.post(
        "/organisations/new/", {"name": "Waiting", "stakeholder_type": "media", "level": "global"}
    )
    # then
    assert api.status_code == 503 and api.json()["code"] == "service_unavailable"
    assert int(api["Retry-After"]) > 0
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "try again" in page.content.decode()
