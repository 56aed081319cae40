"""Joining an organisation: requests from people, invitations by e-mail from its admins."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from migrationhub.accounts.tests.factories import make_user
from migrationhub.core.errors import Conflict, PermissionDenied
from migrationhub.organisations import permissions, selectors, services
from migrationhub.organisations.models import Invitation, JoinRequest, Membership
from migrationhub.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def confirmed(user, email=None):
    """`user` proved they own `email` (allauth's confirmation)."""
    EmailAddress.objects.create(
        user=user, email=email or user.email, verified=True, primary=email is None
    )
    return user


def test_a_join_request_is_accepted_by_an_admin_and_the_requester_told(
    reference, django_capture_on_commit_callbacks
):
    # given
    admin = make_user(email="admin@example.org")
    org = make_organisation(admin=admin)
    person = make_user(email="person@example.org")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.join_request_create(
            actor=person, organisation=org, message="I run the Pokhara office."
        )
    # then the admins hear of it, and a second request waits for the first
    assert mail.outbox[-1].to == ["admin@example.org"]
    with pytest.raises(Conflict):
        services.join_request_create(actor=person, organisation=org)
    with pytest.raises(PermissionDenied):
        services.join_request_accept(actor=person, join_request=join_request)
    # when an admin accepts
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_accept(actor=admin, join_request=join_request)
    # then
    assert permissions.is_member(person, org) and not permissions.is_admin(person, org)
    assert mail.outbox[-1].to == ["person@example.org"]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.ACCEPTED and join_request.decided_by == admin
    with pytest.raises(Conflict):
        services.join_request_refuse(actor=admin, join_request=join_request)
    with pytest.raises(Conflict):
        services.join_request_create(actor=person, organisation=org)  # a member already


def test_a_refused_requester_is_told_and_may_ask_again(
    reference, django_capture_on_commit_callbacks
):
    admin, person = make_user(), make_user(email="asker@example.org")
    org = make_organisation(admin=admin)
    join_request = services.join_request_create(actor=person, organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_refuse(actor=admin, join_request=join_request, reason="Unknown")
    assert "Unknown" in mail.outbox[-1].body and mail.outbox[-1].to == ["asker@example.org"]
    assert not permissions.is_member(person, org)
    services.join_request_create(actor=person, organisation=org)  # allowed again


def test_join_requests_through_the_pages(reference, client):
    # given
    admin, person = make_user(), make_user()
    org = make_organisation(admin=admin)
    client.force_login(person)
    assert "Ask to join" in client.get(f"/organisations/{org.slug}/").content.decode()
    # when the person asks
    client.post(f"/organisations/{org.slug}/join/", {"message": "Field officer in Accra"})
    assert "You asked to join" in client.get(f"/organisations/{org.slug}/").content.decode()
    # then the admin sees it and accepts
    client.force_login(admin)
    page = client.get(f"/organisations/{org.slug}/").content.decode()
    assert "Field officer in Accra" in page
    join_request = selectors.join_requests_pending(org).get()
    response = client.post(
        f"/organisations/{org.slug}/requests/{join_request.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 302
    assert permissions.is_member(person, org)
    # and a non-admin cannot decide
    other = services.join_request_create(actor=make_user(), organisation=org)
    client.force_login(person)
    response = client.post(
        f"/organisations/{org.slug}/requests/{other.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 404


def test_an_invitation_is_accepted_by_the_owner_of_the_address(
    reference, client, django_capture_on_commit_callbacks
):
    # given
    admin = make_user()
    org = make_organisation(admin=admin)
    invited = confirmed(make_user(email="invited@example.org"))
    client.force_login(admin)
    # when the admin invites through the organisation page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{org.slug}/invitations/",
            {"email": "Invited@Example.org", "role": Membership.ADMIN},
        )
    assert response.status_code == 302
    # then an e-mail carries a link whose token is not stored
    message = mail.outbox[-1]
    assert message.to == ["invited@example.org"]
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)
    token = link.split("/")[2]
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.get().token_hash == Invitation.hash_token(token)
    # when someone else opens it, they cannot accept
    intruder = confirmed(make_user())
    client.force_login(intruder)
    assert (
        "This invitation is for <bdi>invited@example.org</bdi>" in client.get(link).content.decode()
    )
    client.post(link, {"answer": "accept"})
    assert not permissions.is_member(intruder, org)
    # when the invited person opens it and accepts
    client.force_login(invited)
    assert "Accept" in client.get(link).content.decode()
    response = client.post(link, {"answer": "accept"})
    # then they are an admin
    assert response.status_code == 302 and permissions.is_admin(invited, org)
    assert Invitation.objects.get().status == Invitation.ACCEPTED


def test_an_unconfirmed_address_cannot_accept(reference):
    admin = make_user()
    org = make_organisation(admin=admin)
    invitation, _token = services.invitation_create(
        actor=admin, organisation=org, email="later@example.org"
    )
    unconfirmed = make_user(email="later@example.org")  # signed up, not confirmed yet
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=unconfirmed, invitation=invitation)
    confirmed(unconfirmed)
    services.invitation_accept(actor=unconfirmed, invitation=invitation)
    assert permissions.is_member(unconfirmed, org)


def test_an_invitation_to_an_unregistered_address_works_after_sign_up(reference, client):
    # given an invitation to an address nobody has registered
    admin = make_user()
    org = make_organisation(admin=admin)
    services.invitation_create(actor=admin, organisation=org, email="newcomer@example.org")
    # when they sign up, confirm their address and open their invitations
    client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "password1": "migration governance 2030",
            "password2": "migration governance 2030",
        },
    )
    EmailAddress.objects.filter(email="newcomer@example.org").update(verified=True)
    page = client.get("/invitations/").content.decode()
    assert org.name in page
    invitation = Invitation.objects.get()
    response = client.post(f"/invitations/{invitation.pk}/answer/", {"answer": "accept"})
    # then
    assert response.status_code == 302
    assert org.memberships.filter(user__email="newcomer@example.org").exists()


def test_invitations_expire_after_14_days_and_can_be_declined(reference):
    admin = make_user()
    org = make_organisation(admin=admin)
    person = confirmed(make_user())
    invitation, _token = services.invitation_create(
        actor=admin, organisation=org, email=person.email
    )
    valid_for = invitation.expires_at - invitation.created_at
    assert abs(valid_for - dt.timedelta(days=14)) < dt.timedelta(seconds=5)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Conflict):
        services.invitation_accept(actor=person, invitation=invitation)
    fresh, _token = services.invitation_create(actor=admin, organisation=org, email=person.email)
    services.invitation_decline(actor=person, invitation=fresh)
    assert not permissions.is_member(person, org)
    with pytest.raises(Conflict):
        services.invitation_accept(actor=person, invitation=fresh)


def test_only_admins_invite(reference):
    admin, member = make_user(), make_user()
    org = make_organisation(admin=admin, members=[member])
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organisation=org, email="x@example.org")
    with pytest.raises(Conflict):
        services.invitation_create(actor=admin, organisation=org, email=member.email)
