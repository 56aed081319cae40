"""The hub over the API: token writes through the services, errors as {code, message, fields}."""

import pytest

from migrationhub.accounts.services import api_token_create
from migrationhub.hub import workflow
from migrationhub.partnerships.tests.factories import make_org
from migrationhub.taxonomy.selectors import principle_list

from .factories import make_authority, make_curator, make_request, offer_fields, screened

pytestmark = pytest.mark.django_db


def _auth(user):
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_whole_workflow_over_the_api(client, reference):
    make_org(stakeholder_type="civil-society", level="local", objectives=[6])
    make_org(stakeholder_type="academia", objectives=[6])
    make_org(stakeholder_type="private-sector", objectives=[6])
    authority = make_authority()
    requester = _auth(authority.test_admin)
    curator = _auth(make_curator())
    body = {
        "requester": authority.slug,
        "title": "Fair recruitment for the region",
        "need": "Recruitment fees burden migrant workers.",
        "country": "SEN",
        "objectives": [6],
        "outcomes": ["Zero-fee recruitment pilot"],
        "support_kinds": ["technical"],
    }
    created = client.post(
        "/api/v1/hub/requests", body, content_type="application/json", **requester
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    # unscreened: not found for anonymous readers
    assert client.get(f"/api/v1/hub/requests/{slug}").status_code == 404
    screen = {
        "complete": True,
        "principles": [{"principle": p.code, "met": True} for p in principle_list()],
    }
    assert (
        client.post(
            f"/api/v1/hub/requests/{slug}/screen",
            screen,
            content_type="application/json",
            **requester,
        ).status_code
        == 403
    )
    ok = client.post(
        f"/api/v1/hub/requests/{slug}/screen", screen, content_type="application/json", **curator
    )
    assert ok.status_code == 200 and ok.json()["status"] == workflow.SCREENED
    assert client.get(f"/api/v1/hub/requests/{slug}").status_code == 200
    move = client.post(
        f"/api/v1/hub/requests/{slug}/transition",
        {"to": "matching"},
        content_type="application/json",
        **curator,
    )
    assert move.status_code == 200
    matches = client.get(f"/api/v1/hub/requests/{slug}/matches", **curator)
    assert matches.status_code == 200
    first = matches.json()["organisations"][0]
    assert abs(sum(c["points"] for c in first["components"]) - first["score"]) < 1e-4
    proposal = client.post(
        f"/api/v1/hub/requests/{slug}/proposals",
        {"size": 3},
        content_type="application/json",
        **curator,
    )
    assert proposal.status_code == 201, proposal.content
    pid = proposal.json()["id"]
    accepted = client.post(f"/api/v1/hub/requests/{slug}/proposals/{pid}/accept", **requester)
    assert accepted.status_code == 200 and accepted.json()["partnership"]
    assert [t["to_status"] for t in accepted.json()["transitions"]] == [
        "submitted",
        "screened",
        "matching",
        "proposed",
        "accepted",
    ]


def test_bad_input_answers_422_with_fields(client, reference):
    authority = make_authority()
    response = client.post(
        "/api/v1/hub/requests",
        {
            "requester": authority.slug,
            "title": "",
            "need": "",
            "country": "ZZZ",
            "objectives": [],
            "outcomes": [],
            "support_kinds": [],
        },
        content_type="application/json",
        **_auth(authority.test_admin),
    )
    assert response.status_code == 422
    assert {"title", "need", "country", "objectives"} <= set(response.json()["fields"])


def test_offers_over_the_api(client, reference):
    org = make_org()
    body = {
        "organisation": org.slug,
        "title": "Data on labour migration",
        "description": "Survey microdata and training in its use.",
        "ends_on": offer_fields().ends_on.isoformat(),
        "kinds": ["data", "training"],
        "objectives": [1],
    }
    assert (
        client.post("/api/v1/hub/offers", body, content_type="application/json").status_code == 401
    )
    created = client.post(
        "/api/v1/hub/offers", body, content_type="application/json", **_auth(org.test_admin)
    )
    assert created.status_code == 201
    listing = client.get("/api/v1/hub/offers", {"kind": "data"}).json()
    assert [o["slug"] for o in listing["items"]] == [created.json()["slug"]]
    assert listing["facets"]["kind"]


def test_public_request_list(client, reference):
    screened(make_request())
    make_request()
    data = client.get("/api/v1/hub/requests").json()
    assert data["meta"]["count"] == 1


def test_translations_over_the_api(client, reference):
    request = screened(make_request())
    body = {"title": "Information sur le marché du travail", "need": "La ville a besoin…"}
    url = f"/api/v1/hub/requests/{request.slug}/translations/fr"
    stranger = _auth(make_org().test_admin)
    assert client.put(url, body, content_type="application/json", **stranger).status_code == 403
    ok = client.put(url, body, content_type="application/json", **_auth(request.test_admin))
    assert ok.status_code == 200 and ok.json()["language"] == "fr"
    same = client.put(
        f"/api/v1/hub/requests/{request.slug}/translations/en",
        body,
        content_type="application/json",
        **_auth(request.test_admin),
    )
    assert same.status_code == 422  # the original language


def test_hostile_input_is_refused_cleanly(client, reference):
    curator = make_curator()
    request = screened(make_request(), curator)
    auth = _auth(curator)
    url = f"/api/v1/hub/requests/{request.slug}"
    bad_move = client.post(
        f"{url}/transition", {"to": "<script>"}, content_type="application/json", **auth
    )
    assert bad_move.status_code == 422 and bad_move.json()["fields"]["to"]
    skip = client.post(
        f"{url}/transition", {"to": "accepted"}, content_type="application/json", **auth
    )
    assert skip.status_code == 409 and skip.json()["code"] == "transition_not_allowed"
    client.post(f"{url}/transition", {"to": "matching"}, content_type="application/json", **auth)
    huge = client.post(f"{url}/proposals", {"size": 10**9}, content_type="application/json", **auth)
    assert huge.status_code == 422
    many = client.post(
        f"{url}/proposals",
        {"size": 3, "exclude": [f"x{i}" for i in range(5000)], "note": "n" * 30000},
        content_type="application/json",
        **auth,
    )
    assert many.status_code == 422 and "note" in many.json()["fields"]
    assert client.get(f"{url}/matches?limit=-5", **auth).status_code == 200
    assert client.get("/api/v1/hub/requests?page=999999&page_size=100000").status_code == 200
    assert client.get("/api/v1/hub/offers?q=%27%22%3B--&kind=%00").status_code in (200, 400, 422)
    # a stranger's token cannot read a private request, nor its matches
    private = make_request(private=True)
    stranger = _auth(make_org().test_admin)
    assert client.get(f"/api/v1/hub/requests/{private.slug}", **stranger).status_code == 404
    assert client.get(f"/api/v1/hub/requests/{private.slug}/matches", **stranger).status_code == 404


def test_an_offer_is_edited_by_its_admins(client, reference):
    from migrationhub.hub import services

    org = make_org()
    offer = services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    url = f"/api/v1/hub/offers/{offer.slug}"
    body = {"capacity": "Three experts", "kinds": ["training"], "title": None}
    stranger = _auth(make_org().test_admin)
    assert client.patch(url, body, content_type="application/json", **stranger).status_code == 403
    ok = client.patch(url, body, content_type="application/json", **_auth(org.test_admin))
    assert ok.status_code == 200, ok.content
    assert ok.json()["capacity"] == "Three experts" and ok.json()["kinds"] == ["training"]
    assert ok.json()["title"] == offer.title
