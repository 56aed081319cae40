"""Matching a real request, proposing a consortium and accepting it: the partnership is created
through the partnerships app with its members invited and goals from the outcomes."""

import pytest

from migrationhub.core.errors import Conflict, PermissionDenied
from migrationhub.hub import selectors, services, workflow
from migrationhub.partnerships import selectors as partnership_selectors
from migrationhub.partnerships.tests.factories import make_org

from .factories import make_curator, make_request, offer_fields, screened

pytestmark = pytest.mark.django_db


def _candidates():
    """A small directory: the right partners and some noise."""
    return {
        "ngo": make_org(
            name="Réseau des travailleurs migrants",
            stakeholder_type="civil-society",
            level="local",
            home_country="SEN",
            objectives=[6, 18],
            languages=["fr"],
            description="Labour market information and fair recruitment for migrant workers.",
        ),
        "diaspora": make_org(
            stakeholder_type="migrant-diaspora", level="national", objectives=[18], languages=["fr"]
        ),
        "university": make_org(
            stakeholder_type="academia", level="national", home_country="SEN", objectives=[6]
        ),
        "employer": make_org(stakeholder_type="private-sector", level="national", objectives=[6]),
        "foundation": make_org(stakeholder_type="philanthropy", level="global", objectives=[18]),
        "far": make_org(stakeholder_type="trade-union", level="local", home_country="MEX"),
    }


def _matching(request, curator):
    services.request_transition(actor=curator, request=request, to=workflow.MATCHING)
    fresh = selectors.support_request_get(request.slug)
    fresh.test_admin = request.test_admin
    return fresh


def test_the_right_partner_ranks_first_and_components_are_explained(reference):
    orgs = _candidates()
    curator = make_curator()
    request = _matching(screened(make_request(), curator), curator)
    matches = selectors.request_matches(request, limit=5)
    assert matches[0].id == orgs["ngo"].pk
    assert request.requester_id not in [m.id for m in matches]
    assert set(matches[0].components) == set(selectors.matching.COMPONENTS)


def test_propose_and_accept_creates_the_partnership_with_invited_members(
    reference, mailoutbox, django_capture_on_commit_callbacks
):
    orgs = _candidates()
    curator = make_curator()
    request = _matching(screened(make_request(), curator), curator)
    # when a curator proposes a consortium of four
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_create(actor=curator, request=request, size=4)
    members = list(proposal.members.select_related("organisation__stakeholder_type"))
    assert 3 <= len(members) <= 4
    types = {m.organisation.stakeholder_type.code for m in members}
    assert len(types) >= 3 and types & {"civil-society", "migrant-diaspora"}
    assert proposal.guarantees["requirements"]["whole_of_society"]
    assert any(request.test_admin.email in m.to for m in mailoutbox)
    # only the requester's own admins accept
    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=curator, proposal=proposal)
    accepted = services.proposal_accept(actor=request.test_admin, proposal=proposal)
    assert accepted.status == "accepted"
    fresh = selectors.support_request_get(request.slug)
    assert fresh.status == workflow.ACCEPTED and fresh.partnership is not None
    partnership = partnership_selectors.partnership_get(fresh.partnership.slug)
    assert partnership.lead_id == request.requester_id
    invited = {m.organisation_id for m in partnership_selectors.pending_members(partnership)}
    assert invited == {m.organisation_id for m in members}
    assert [g.indicator for g in partnership.goals.all()] == list(fresh.outcomes)
    # and it cannot be accepted twice
    with pytest.raises(Conflict):
        services.proposal_accept(actor=request.test_admin, proposal=proposal)
    assert orgs  # the directory was there


def test_funding_sought_brings_a_funder_and_offers_rank(reference):
    orgs = _candidates()
    services.offer_create(
        actor=orgs["university"].test_admin,
        organisation=orgs["university"],
        fields=offer_fields(kinds=["technical", "funding"], objectives=[6, 18]),
    )
    curator = make_curator()
    request = _matching(
        screened(make_request(support_kinds=["funding", "technical"]), curator), curator
    )
    consortium = selectors.request_consortium(request, 4)
    assert consortium.requirements["funder"]
    offers = selectors.request_offers(request)
    assert offers and offers[0].offer.organisation_id == orgs["university"].pk


def test_setting_a_proposal_aside_goes_back_to_matching(reference):
    _candidates()
    curator = make_curator()
    request = _matching(screened(make_request(), curator), curator)
    proposal = services.proposal_create(actor=curator, request=request, size=3)
    services.request_transition(
        actor=request.test_admin, request=request, to=workflow.MATCHING, reason="Need a university"
    )
    proposal.refresh_from_db()
    assert proposal.status == "set_aside"
    with pytest.raises(Conflict):
        services.proposal_accept(actor=request.test_admin, proposal=proposal)


def test_offers_are_posted_searched_and_withdrawn(reference):
    org = make_org()
    offer = services.offer_create(actor=org.test_admin, organisation=org, fields=offer_fields())
    result = selectors.offer_search("labour market", {})
    assert [r.object.pk for r in result.page.items] == [offer.pk]
    stranger = make_org().test_admin
    with pytest.raises(PermissionDenied):
        services.offer_withdraw(actor=stranger, offer=offer)
    services.offer_withdraw(actor=org.test_admin, offer=offer)
    assert selectors.offer_search("labour market", {}).total == 0


def test_an_organisation_whose_practice_is_like_the_request_gets_the_text_component(reference):
    from migrationhub.knowledge.tests.factories import make_published

    # given an organisation whose only likeness to the request is a published practice
    author = make_org(stakeholder_type="academia", objectives=[])
    make_published(
        organisation=author,
        member=author.test_admin,
        title="Labour market information system for migrant workers in a city",
        summary="A city built a labour market information system with recruiters.",
    )
    curator = make_curator()
    request = _matching(screened(make_request(), curator), curator)
    # when matched; then its text component is positive
    scores = selectors.text_scores(request)
    assert scores.get(author.pk, 0) > 0
    ranked = {m.id: m for m in selectors.request_matches(request, limit=50)}
    assert ranked[author.pk].components["text"] > 0
