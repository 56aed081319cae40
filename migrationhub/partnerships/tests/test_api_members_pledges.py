"""The API does what the pages do: a member's roles and leaving, outputs, one's open invitations,
co-signing a pledge, its status and its reports; each by the people the services allow."""

import pytest

from migrationhub.knowledge.tests.factories import make_published
from migrationhub.partnerships.models import Member, Pledger

from .factories import join, make_org, make_partnership, make_pledge
from .test_api import assert_error, bearer, post

pytestmark = pytest.mark.django_db
JSON = "application/json"


def put(client, url, payload, user):
    return client.put(url, payload, content_type=JSON, **bearer(user))


def test_my_invitations_list_partnerships_and_pledges_to_answer(reference, client):
    # given an organisation invited to a partnership and to co-sign a pledge
    invited = make_org(name="Invited Union")
    p = make_partnership(name="Safe Routes Compact")
    post(
        client,
        f"/api/v1/partnerships/{p.slug}/members",
        {"organisation": invited.slug, "roles": ["implementing"]},
        p.test_admin,
    )
    pledge = make_pledge(title="Ten thousand fair recruitments", co_pledgers=[invited])
    # when its admin asks
    response = client.get("/api/v1/partnerships/invitations", **bearer(invited.test_admin))
    # then both, and nobody else's
    assert response.status_code == 200, response.content
    found = {(i["kind"], i["target"], i["organisation"]) for i in response.json()}
    assert found == {("member", p.slug, invited.slug), ("pledger", pledge.slug, invited.slug)}
    other = client.get("/api/v1/partnerships/invitations", **bearer(make_org().test_admin))
    assert other.json() == []
    assert client.get("/api/v1/partnerships/invitations").status_code == 401


def test_a_member_sets_its_own_roles_and_leaves_or_is_removed(reference, client):
    p = make_partnership()
    member, other = make_org(), make_org()
    join(p, member, roles=("implementing",))
    join(p, other)
    roles = f"/api/v1/partnerships/{p.slug}/members/{member.slug}/roles"
    # its roles are its own: not even the partnership's admins set them
    for user in (p.test_admin, make_org().test_admin):
        assert_error(put(client, roles, {"roles": ["funding"]}, user), 403, "permission_denied")
    assert_error(
        put(client, roles, {"roles": ["astrology"]}, member.test_admin),
        422,
        "validation_failed",
        "roles",
    )
    response = put(client, roles, {"roles": ["funding", "technical"]}, member.test_admin)
    assert response.status_code == 200, response.content
    assert sorted(response.json()["roles"]) == ["funding", "technical"]
    # leaving: the member's own admins; a stranger may not
    leave = f"/api/v1/partnerships/{p.slug}/members/{member.slug}/leave"
    assert_error(post(client, leave, {"reason": "x"}, other.test_admin), 403, "permission_denied")
    response = post(client, leave, {"reason": "Mandate ended"}, member.test_admin)
    assert response.status_code == 200 and response.json()["status"] == "left"
    assert Member.objects.get(partnership=p, organisation=member).status == Member.LEFT
    # the partnership's admins end another's membership; the lead cannot leave
    remove = f"/api/v1/partnerships/{p.slug}/members/{other.slug}/leave"
    assert post(client, remove, {"reason": "Inactive"}, p.test_admin).status_code == 200
    lead = f"/api/v1/partnerships/{p.slug}/members/{p.lead.slug}/leave"
    assert_error(post(client, lead, {}, p.test_admin), 409, "lead_cannot_leave")
    # an unknown organisation is a 404
    missing = f"/api/v1/partnerships/{p.slug}/members/no-such-org/leave"
    assert_error(post(client, missing, {}, p.test_admin), 404, "not_found")


def test_outputs_are_published_practices_linked_and_removed_by_the_admins(reference, client):
    p = make_partnership()
    practice = make_published(title="Bilateral labour agreement")
    url = f"/api/v1/partnerships/{p.slug}/outputs"
    assert_error(
        post(client, url, {"practice": practice.slug}, make_org().test_admin),
        403,
        "permission_denied",
    )
    assert_error(
        post(client, url, {"practice": "nope"}, p.test_admin), 422, "validation_failed", "practice"
    )
    response = post(client, url, {"practice": practice.slug}, p.test_admin)
    assert response.status_code == 201, response.content
    assert response.json() == {"practice": practice.slug, "title": practice.title}
    assert_error(
        post(client, url, {"practice": practice.slug}, p.test_admin), 409, "already_linked"
    )
    detail = client.get(f"/api/v1/partnerships/{p.slug}").json()
    assert [o["practice"] for o in detail["outputs"]] == [practice.slug]
    # removal
    remove = f"{url}/{practice.slug}"
    assert client.delete(remove, **bearer(make_org().test_admin)).status_code == 403
    assert client.delete(remove, **bearer(p.test_admin)).status_code == 204
    assert client.get(f"/api/v1/partnerships/{p.slug}").json()["outputs"] == []
    assert client.delete(remove, **bearer(p.test_admin)).status_code == 404


def test_a_pledge_is_co_signed_given_a_status_and_reported_on(reference, client):
    lead, co = make_org(), make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[co])
    base = f"/api/v1/pledges/{pledge.slug}"
    accept = f"{base}/pledgers/{co.slug}/accept"
    # only the invited organisation's admins co-sign
    assert_error(post(client, accept, {}, lead.test_admin), 403, "permission_denied")
    response = post(client, accept, {}, co.test_admin)
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert Pledger.objects.get(pledge=pledge, organisation=co).status == Pledger.ACTIVE
    # a co-pledger reports, in its own name
    report = {"organisation": co.slug, "reported_on": "2026-06-30", "narrative": "Hired 120"}
    response = post(client, f"{base}/reports", report, co.test_admin)
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == co.slug and response.json()["value"] is None
    stranger = make_org()
    assert_error(
        post(
            client,
            f"{base}/reports",
            {**report, "organisation": stranger.slug},
            stranger.test_admin,
        ),
        409,
        "not_a_member",
    )
    # the lead's admins set the status; an unknown one is a 422
    status = f"{base}/status"
    assert_error(
        post(client, status, {"status": "fulfilled"}, co.test_admin), 403, "permission_denied"
    )
    assert_error(
        post(client, status, {"status": "done"}, lead.test_admin),
        422,
        "validation_failed",
        "status",
    )
    response = post(client, status, {"status": "fulfilled", "reason": "All hired"}, lead.test_admin)
    assert response.status_code == 200 and response.json()["status"] == "fulfilled"
    # a closed pledge takes no more reports
    assert_error(post(client, f"{base}/reports", report, co.test_admin), 409, "pledge_closed")


def test_declining_to_co_sign(reference, client):
    co = make_org()
    pledge = make_pledge(co_pledgers=[co])
    decline = f"/api/v1/pledges/{pledge.slug}/pledgers/{co.slug}/decline"
    response = post(client, decline, {}, co.test_admin)
    assert response.status_code == 200 and response.json()["status"] == "declined"
    missing = f"/api/v1/pledges/{pledge.slug}/pledgers/nobody/accept"
    assert_error(post(client, missing, {}, co.test_admin), 404, "not_found")
