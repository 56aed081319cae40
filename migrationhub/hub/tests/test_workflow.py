"""The request's workflow through the services: who may make each move, each recorded."""

import pytest

from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.hub import permissions, selectors, services, workflow
from migrationhub.hub.models import Transition
from migrationhub.partnerships.tests.factories import make_org

from .factories import all_principles, make_authority, make_curator, make_request, screened

pytestmark = pytest.mark.django_db


def test_a_verified_local_authority_submits_and_curators_are_told(
    reference, mailoutbox, django_capture_on_commit_callbacks
):
    # given a curator and a verified local authority
    curator = make_curator()
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request()
    # then it is submitted, recorded, private until screened, and the curator is e-mailed
    assert request.status == workflow.SUBMITTED
    assert [t.to_status for t in request.transitions.all()] == ["submitted"]
    assert not request.is_public
    assert any(curator.email in m.to for m in mailoutbox)


def test_only_verified_governments_and_authorities_ask(reference):
    ngo = make_org(stakeholder_type="civil-society")
    with pytest.raises(PermissionDenied):
        make_request(requester=ngo)
    unverified = make_authority(verified=False)
    with pytest.raises(PermissionDenied):
        make_request(requester=unverified)


def test_bad_input_is_refused_with_every_field_named(reference):
    authority = make_authority()
    fields = services.RequestFields(
        title="",
        need="x",
        country="XXX",
        objectives=[99],
        outcomes=[],
        support_kinds=["gold"],
        budget_min=__import__("decimal").Decimal("10"),
        budget_max=__import__("decimal").Decimal("5"),
    )
    with pytest.raises(ValidationFailed) as err:
        services.request_submit(actor=authority.test_admin, requester=authority, fields=fields)
    assert {
        "title",
        "country",
        "objectives",
        "outcomes",
        "support_kinds",
        "budget_max",
        "currency",
    } <= set(err.value.fields)


def test_screening_needs_a_curator_completeness_and_every_principle(reference):
    request = make_request()
    with pytest.raises(PermissionDenied):
        services.request_screen(
            actor=request.test_admin, request=request, complete=True, principles=all_principles()
        )
    curator = make_curator()
    with pytest.raises(ValidationFailed) as err:
        services.request_screen(actor=curator, request=request, complete=False, principles=[])
    assert {"complete", "principles"} <= set(err.value.fields)
    done = screened(request, curator)
    assert done.status == workflow.SCREENED and done.is_public
    assert len(done.screening["principles"]) == 10


def test_every_transition_is_recorded_with_who_and_why(reference):
    curator = make_curator()
    request = screened(make_request(), curator)
    services.request_transition(actor=curator, request=request, to=workflow.MATCHING)
    with pytest.raises(ValidationFailed):  # a reason is required to decline
        services.request_transition(actor=curator, request=request, to=workflow.DECLINED)
    with pytest.raises(PermissionDenied):  # only the requester withdraws
        services.request_transition(
            actor=curator, request=request, to=workflow.WITHDRAWN, reason="x"
        )
    services.request_transition(
        actor=request.test_admin, request=request, to=workflow.WITHDRAWN, reason="Funded elsewhere"
    )
    rows = list(
        Transition.objects.filter(request=request).values_list("from_status", "to_status", "reason")
    )
    assert rows[-1] == ("matching", "withdrawn", "Funded elsewhere")
    with pytest.raises(Conflict):  # withdrawn is final
        services.request_transition(actor=curator, request=request, to=workflow.MATCHING)


def test_private_requests_stay_hidden_from_others(reference):
    request = screened(make_request(private=True))
    stranger = make_org().test_admin
    assert not permissions.can_view(stranger, request)
    assert permissions.can_view(request.test_admin, request)
    assert request not in selectors.support_request_list_public().items


def test_the_workflow_table_names_who_may_do_what():
    assert workflow.allowed("submitted", "screened", {"curator"})
    assert not workflow.allowed("submitted", "screened", {"requester"})
    assert workflow.allowed("proposed", "accepted", {"requester"})
    assert not workflow.allowed("proposed", "accepted", {"curator"})
    assert not workflow.allowed("closed", "matching", {"curator", "requester"})
    for (source, _target), rule in workflow.TRANSITIONS.items():
        assert source not in workflow.FINAL and rule.roles
