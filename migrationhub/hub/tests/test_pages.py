"""The hub's pages: public lists, the request page with its history, screening, matching and
accepting through forms (no JavaScript), and private requests hidden."""

import pytest
from django.urls import reverse

from migrationhub.hub import selectors, services, workflow
from migrationhub.partnerships.tests.factories import make_org
from migrationhub.taxonomy.selectors import principle_list

from .factories import make_authority, make_curator, make_request, offer_fields, screened

pytestmark = pytest.mark.django_db


def test_asking_for_support_through_the_form(client, reference):
    authority = make_authority()
    client.force_login(authority.test_admin)
    url = reverse("hub:request_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "requester": authority.slug,
            "title": "Migrant workers' skills recognition",
            "country": "SEN",
            "objectives": ["18"],
            "need": "Returning migrants' skills are not recognised.",
            "outcomes": "A recognition scheme\nEmployers informed",
            "support_kinds": ["technical"],
            "language": "en",
        },
    )
    assert response.status_code == 302
    created = selectors.requests_of_user(authority.test_admin).get()
    assert created.outcomes == ["A recognition scheme", "Employers informed"]
    # a bad budget comes back as a form error, nothing lost
    response = client.post(
        url,
        {
            "requester": authority.slug,
            "title": "Second",
            "country": "SEN",
            "objectives": ["18"],
            "need": "x",
            "outcomes": "y",
            "support_kinds": ["funding"],
            "language": "en",
            "budget_min": "100",
        },
    )
    assert response.status_code == 200
    assert "required with an amount" in response.content.decode()


def test_screening_matching_and_accepting_through_pages(client, reference):
    make_org(stakeholder_type="civil-society", level="local", objectives=[6])
    make_org(stakeholder_type="academia", objectives=[18])
    make_org(stakeholder_type="private-sector", objectives=[6])
    request = make_request()
    curator = make_curator()
    client.force_login(curator)
    data = {"complete": "on", "note": "Clear."}
    for p in principle_list():
        data[f"met_{p.code}"] = "on"
    response = client.post(reverse("hub:request_screen", args=[request.slug]), data)
    assert response.status_code == 302
    client.post(reverse("hub:request_move", args=[request.slug]), {"to": "matching"})
    page = client.get(reverse("hub:request_matches", args=[request.slug]))
    assert page.status_code == 200 and "Track record" in page.content.decode()
    client.post(reverse("hub:request_matches", args=[request.slug]), {"size": "3"})
    fresh = selectors.support_request_get(request.slug)
    assert fresh.status == workflow.PROPOSED
    proposal = selectors.proposals(fresh)[0]
    client.force_login(request.test_admin)
    detail = client.get(reverse("hub:request_detail", args=[request.slug])).content.decode()
    assert "Accept: register the partnership" in detail
    response = client.post(reverse("hub:proposal_accept", args=[request.slug, proposal.pk]))
    assert response.status_code == 302 and "/partnerships/" in response["Location"]


def test_private_and_unscreened_requests_are_not_found_by_others(client, reference):
    hidden = make_request()
    private = screened(make_request(private=True))
    public = screened(make_request())
    assert client.get(reverse("hub:request_detail", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("hub:request_detail", args=[private.slug])).status_code == 404
    page = client.get(reverse("hub:request_detail", args=[public.slug]))
    assert page.status_code == 200
    body = page.content.decode()
    assert public.test_admin.email not in body  # no personal data
    listing = client.get(reverse("hub:index")).content.decode()
    assert public.title in listing and private.title not in listing and hidden.title not in listing


def test_a_write_shows_on_the_cached_public_page_at_once(client, reference):
    first = screened(make_request())
    assert first.title in client.get(reverse("hub:index")).content.decode()
    second = screened(make_request())
    assert second.title in client.get(reverse("hub:index")).content.decode()


def test_offers_board_and_matches_hidden_from_strangers(client, reference):
    org = make_org()
    services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    board = client.get(reverse("hub:offers"), {"kind": "technical"})
    assert (
        board.status_code == 200 and "Labour market information systems" in board.content.decode()
    )
    request = screened(make_request())
    client.force_login(make_org().test_admin)
    assert client.get(reverse("hub:request_matches", args=[request.slug])).status_code == 404


def test_open_data_holds_public_requests_and_offers_only(client, reference):
    public = screened(make_request())
    hidden = make_request()
    private = screened(make_request(private=True))
    org = make_org()
    services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    body = client.get("/api/v1/open-data/hub-requests.csv").content.decode()
    assert public.slug in body and hidden.slug not in body and private.slug not in body
    assert "@" not in body  # no one's e-mail address
    offers = client.get("/api/v1/open-data/hub-offers.json").content.decode()
    assert f'"organisation": "{org.slug}"' in offers or f'"organisation":"{org.slug}"' in offers
    assert client.get("/api/v1/open-data/hub.datapackage.zip").status_code == 200


def test_the_requester_corrects_the_request(client, reference):
    request = make_request()
    url = reverse("hub:request_edit", args=[request.slug])
    client.force_login(make_org().test_admin)
    assert client.get(url).status_code == 404
    client.force_login(request.test_admin)
    page = client.get(url)
    assert page.status_code == 200 and request.title in page.content.decode()
    data = {
        "requester": request.requester.slug,
        "title": "A clearer title",
        "country": "SEN",
        "objectives": ["6"],
        "need": "The same need, said better.",
        "outcomes": "One outcome",
        "support_kinds": ["training"],
        "language": "en",
    }
    assert client.post(url, data).status_code == 302
    fresh = selectors.support_request_get(request.slug)
    assert fresh.title == "A clearer title" and fresh.support_kinds == ["training"]


def test_an_organisations_profile_shows_its_open_offers(client, reference):
    org = make_org()
    profile = reverse("organisations:detail", args=[org.slug])
    assert "Offers of support" not in client.get(profile).content.decode()
    services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    assert "Offers of support" in client.get(profile).content.decode()


def test_who_moved_a_request_is_shown_to_its_people_only(client, reference):
    curator = make_curator(display_name="Curator Ada")
    request = screened(make_request(), curator)
    public = client.get(reverse("hub:request_detail", args=[request.slug])).content.decode()
    assert "Curator Ada" not in public and "a hub curator" in public
    client.force_login(request.test_admin)
    mine = client.get(reverse("hub:request_detail", args=[request.slug])).content.decode()
    assert "Curator Ada" in mine
