"""The /api/v1 contract: reads, token-authenticated writes, errors as {code, message, fields}."""

import pytest
from django.test import Client

from migrationhub.accounts.services import api_token_create
from migrationhub.accounts.tests.factories import make_user
from migrationhub.knowledge.tests.factories import make_practice, make_published
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_reference_objectives(reference, client: Client):
    response = client.get("/api/v1/reference/objectives")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 23 and body[19]["number"] == 20
    assert "remittances" in body[19]["title"]


def test_objective_detail_and_404(reference, client):
    assert len(client.get("/api/v1/reference/objectives/6").json()["actions"]) > 0
    response = client.get("/api/v1/reference/objectives/99")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_countries_filter_by_region(reference, client):
    africa = client.get("/api/v1/reference/countries", {"region": "002"}).json()
    assert {"NGA", "GHA"} <= {c["iso3"] for c in africa}
    assert "FRA" not in {c["iso3"] for c in africa}


def test_practice_search_with_facets(reference, client):
    make_published(title="Fair recruitment corridor", countries=["PHL"], objectives=[6])
    make_published(
        title="Diaspora bonds",
        summary="Bonds sold to the diaspora fund clinics.",
        body="Ghanaian diaspora investors finance hospitals.",
        countries=["GHA"],
        objectives=[19],
    )
    body = client.get("/api/v1/practices/", {"q": "recruit"}).json()
    assert body["meta"]["count"] == 1
    assert "<mark>" in body["items"][0]["title_html"]
    objectives = {f["value"]: f["count"] for f in body["facets"]["objective"]}
    assert objectives == {"6": 1}
    assert body["facets"]["objective"][0]["label"].startswith("6.")
    # filters: OR within a facet, AND across facets
    both = client.get("/api/v1/practices/", {"objective": ["6", "19"]}).json()
    assert both["meta"]["count"] == 2
    none = client.get("/api/v1/practices/", {"objective": "19", "country": "PHL"}).json()
    assert none["meta"]["count"] == 0


def test_practice_page_size_is_capped(reference, client):
    response = client.get("/api/v1/practices/", {"page_size": 100000})
    assert response.json()["meta"]["page_size"] == 200


def test_bad_query_parameter_is_422_with_fields(reference, client):
    response = client.get("/api/v1/practices/", {"page": "first"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed" and "page" in body["fields"]


def test_drafts_are_not_visible_to_others(reference, client):
    draft = make_practice()
    assert client.get(f"/api/v1/practices/{draft.slug}").status_code == 404
    owner = client.get(f"/api/v1/practices/{draft.slug}", **bearer(draft.created_by))
    assert owner.status_code == 200 and owner.json()["status"] == "draft"


def test_writes_need_a_token(reference, client):
    response = client.post("/api/v1/practices/", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    bad = client.post(
        "/api/v1/practices/", {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert bad.status_code == 401


def test_create_practice_through_the_api(reference, client):
    # given a member of an organisation with a token
    member = make_user()
    org = make_organisation(admin=member)
    payload = {
        "organisation": org.slug,
        "title": "Skills partnership",
        "summary": "Employers and vocational schools train nurses before they migrate.",
        "body": "Details.",
        "objectives": [18],
        "levels": ["national"],
        "countries": ["phl"],
        "submit": True,
    }
    # when
    response = client.post(
        "/api/v1/practices/", payload, content_type="application/json", **bearer(member)
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["status"] == "submitted"
        and body["countries"] == ["PHL"]
        and body["organisation"] == org.slug
    )


def test_create_practice_field_errors(reference, client):
    member = make_user()
    org = make_organisation(admin=member)
    response = client.post(
        "/api/v1/practices/",
        {"organisation": org.slug, "title": "", "summary": "", "objectives": [42]},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    missing = client.post(
        "/api/v1/practices/", {"title": "x"}, content_type="application/json", **bearer(member)
    )
    assert missing.status_code == 422 and "organisation" in missing.json()["fields"]


def test_non_member_cannot_create_for_an_organisation(reference, client):
    org = make_organisation(admin=make_user())
    response = client.post(
        "/api/v1/practices/",
        {"organisation": org.slug, "title": "t", "summary": "s"},
        content_type="application/json",
        **bearer(make_user()),
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_update_published_practice_is_409(reference, client):
    practice = make_published()
    response = client.patch(
        f"/api/v1/practices/{practice.slug}",
        {"title": "New"},
        content_type="application/json",
        **bearer(practice.created_by),
    )
    assert response.status_code == 409 and response.json()["code"] == "not_editable"


def test_organisation_create_and_update(reference, client):
    user = make_user()
    created = client.post(
        "/api/v1/organisations/",
        {
            "name": "Migrant Workers Union",
            "stakeholder_type": "trade-union",
            "level": "national",
            "home_country": "NPL",
        },
        content_type="application/json",
        **bearer(user),
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    other = client.patch(
        f"/api/v1/organisations/{slug}",
        {"acronym": "MWU"},
        content_type="application/json",
        **bearer(make_user()),
    )
    assert other.status_code == 403
    mine = client.patch(
        f"/api/v1/organisations/{slug}",
        {"acronym": "MWU"},
        content_type="application/json",
        **bearer(user),
    )
    assert mine.status_code == 200 and mine.json()["acronym"] == "MWU"
    bad = client.post(
        "/api/v1/organisations/",
        {"name": "X", "stakeholder_type": "nonsense", "level": "national"},
        content_type="application/json",
        **bearer(user),
    )
    assert bad.status_code == 422 and "stakeholder_type" in bad.json()["fields"]


def test_organisation_directory_filters(reference, client):
    make_organisation(
        name="Lagos Migrant Desk",
        stakeholder_type="local-authority",
        level="local",
        home_country="NGA",
    )
    make_organisation(
        name="Manila Recruiters Guild",
        stakeholder_type="private-sector",
        level="national",
        home_country="PHL",
    )
    africa = client.get("/api/v1/organisations/", {"region": "002"}).json()
    assert [o["name"] for o in africa["items"]] == ["Lagos Migrant Desk"]
    local = client.get("/api/v1/organisations/", {"level": "local"}).json()
    assert local["meta"]["count"] == 1


def test_revoked_token_is_refused(reference, client):
    from migrationhub.accounts.services import api_token_revoke

    user = make_user()
    token, key = api_token_create(user=user, name="t")
    api_token_revoke(user=user, token_id=token.pk)
    response = client.post(
        "/api/v1/organisations/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/practices/",
        "/api/v1/organisations/",
        "/api/v1/remittances/published/",
        "/api/v1/partnerships/",
        "/api/v1/pledges/",
    ],
)
def test_absurd_page_numbers_give_an_empty_page_not_an_error(reference, client, url):
    response = client.get(url, {"page": 10**30, "page_size": 10**9})
    assert response.status_code == 200
    assert response.json()["items"] == []
