"""Platform admins grant and withdraw reviewer roles in the application, with an audit trail."""

import pytest
from django.core import mail

from migrationhub.accounts.models import User
from migrationhub.accounts.services import reviewer_role_grant, reviewer_role_withdraw
from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_platform_admins_grant_and_withdraw_reviewer_roles(django_capture_on_commit_callbacks):
    # given
    staff, expert = make_admin(), make_user(email="expert@example.org")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_role_grant(actor=staff, user=expert, role=User.EXTERNAL)
    # then
    expert.refresh_from_db()
    assert expert.reviewer_role == User.EXTERNAL
    assert mail.outbox[-1].to == ["expert@example.org"]
    grant = AuditEvent.objects.get(action="reviewer_role.grant")
    assert grant.actor == staff and grant.data == {"role": "external", "previous": ""}
    # when withdrawn
    reviewer_role_withdraw(actor=staff, user=expert, reason="Left the field")
    expert.refresh_from_db()
    assert expert.reviewer_role == ""
    assert AuditEvent.objects.get(action="reviewer_role.withdraw").reason == "Left the field"
    with pytest.raises(Conflict):
        reviewer_role_withdraw(actor=staff, user=expert)
    with pytest.raises(ValidationFailed):
        reviewer_role_grant(actor=staff, user=expert, role="supreme")


def test_nobody_else_grants_or_withdraws():
    reviewer, user = make_reviewer(User.INTERNAL), make_user()
    for actor in (reviewer, user):
        with pytest.raises(PermissionDenied):
            reviewer_role_grant(actor=actor, user=user, role=User.INTERNAL)
        with pytest.raises(PermissionDenied):
            reviewer_role_withdraw(actor=actor, user=reviewer)
    assert not AuditEvent.objects.exists()


def test_the_reviewers_page_lists_grants_and_withdraws(client):
    # given
    staff = make_admin(email="staff@example.org")
    expert = make_user(email="expert@example.org")
    client.force_login(staff)
    # when
    response = client.post(
        "/account/reviewers/", {"email": "expert@example.org", "role": "internal"}
    )
    # then
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.reviewer_role == User.INTERNAL
    page = client.get("/account/reviewers/").content.decode()
    assert "expert@example.org" in page and "granted: internal reviewer" in page
    unknown = client.post(
        "/account/reviewers/", {"email": "nobody@example.org", "role": "external"}
    )
    assert "No registered user has this e-mail address." in unknown.content.decode()
    client.post(f"/account/reviewers/{expert.pk}/withdraw/", {"reason": "Conflict"})
    expert.refresh_from_db()
    assert expert.reviewer_role == ""
    assert "reviewer role withdrawn" in client.get("/account/reviewers/").content.decode()


def test_the_reviewers_page_is_for_platform_admins_only(client):
    assert client.get("/account/reviewers/").status_code == 302  # to sign in
    client.force_login(make_reviewer(User.INTERNAL))
    assert client.get("/account/reviewers/").status_code == 404
    target = make_user()
    response = client.post("/account/reviewers/", {"email": target.email, "role": "internal"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.reviewer_role == ""
