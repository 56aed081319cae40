"""Roles and consent: no organisation is added to a partnership without its own admins accepting;
only the lead's admins invite; only the invited organisation's admins answer; roles are IATI's
four plus technical, advisory and migrant representative; the lead is verified."""

import pytest
from django.core import mail

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.organisations.models import Membership
from migrationhub.organisations.services import organisation_unverify
from migrationhub.partnerships import iati, selectors, services
from migrationhub.partnerships.errors import Code
from migrationhub.partnerships.models import Member, Partnership, Role

from .factories import join, make_org, make_partnership, partnership_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(reference):
    return make_partnership()


def _status(partnership, organisation):
    return Member.objects.get(partnership=partnership, organisation=organisation).status


def test_the_roles_are_iatis_four_plus_the_three_the_seeds_need():
    assert set(Role.values) == {
        "funding",
        "accountable",
        "extending",
        "implementing",
        "technical",
        "advisory",
        "migrant_representative",
    }
    iati_roles = {Role.FUNDING, Role.ACCOUNTABLE, Role.EXTENDING, Role.IMPLEMENTING}
    assert set(iati.ROLE_CODES) == {str(r) for r in iati_roles}
    assert set(iati.ROLE_CODES.values()) == iati.codelist("OrganisationRole")


def test_the_lead_is_the_first_member_and_its_admins_are_the_partnerships(p):
    (member,) = p.members.all()
    assert (member.organisation, member.is_lead, member.status) == (p.lead, True, Member.ACTIVE)
    assert member.source == Member.CONSENT and member.roles == ["accountable"]


def test_an_invited_organisation_is_not_a_member_until_its_own_admin_accepts(
    p, django_capture_on_commit_callbacks
):
    union = make_org(name="Workers United")
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_invite(
            actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
        )
    assert member.status == Member.INVITED
    fresh = selectors.partnership_get(p.slug)
    assert union not in [m.organisation for m in selectors.active_members(fresh)]
    assert [m.to for m in mail.outbox] == [[union.test_admin.email]]
    assert "Workers United" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_accept(actor=union.test_admin, member=member)
    assert _status(p, union) == Member.ACTIVE
    fresh = selectors.partnership_get(p.slug)
    assert union in [m.organisation for m in selectors.active_members(fresh)]
    assert [m.to for m in mail.outbox] == [[p.test_admin.email]]  # the lead's admins are told


def test_a_declined_invitation_never_makes_a_member(p):
    union = make_org()
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["technical"]
    )
    services.member_decline(actor=union.test_admin, member=member)
    assert _status(p, union) == Member.DECLINED
    with pytest.raises(Conflict) as closed:
        services.member_accept(actor=union.test_admin, member=member)
    assert closed.value.code == Code.NOT_INVITED
    assert _status(p, union) == Member.DECLINED


@pytest.mark.parametrize("who", ["anonymous", "stranger", "member_of_lead", "invited_admin"])
def test_only_the_leads_admins_invite(p, who):
    union = make_org()
    lead_member = make_user()
    Membership.objects.create(organisation=p.lead, user=lead_member, role=Membership.MEMBER)
    actor = {
        "anonymous": None,
        "stranger": make_user(),
        "member_of_lead": lead_member,
        "invited_admin": union.test_admin,
    }[who]
    if actor is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=actor, partnership=p, organisation=union, roles=["advisory"])
    assert not Member.objects.filter(partnership=p, organisation=union).exists()


def test_a_second_admin_of_the_lead_may_invite(p):
    colleague = make_user()
    Membership.objects.create(organisation=p.lead, user=colleague, role=Membership.ADMIN)
    member = services.member_invite(
        actor=colleague, partnership=p, organisation=make_org(), roles=["funding"]
    )
    assert member.status == Member.INVITED


@pytest.mark.parametrize("who", ["lead_admin", "platform_admin", "member_of_invited", "stranger"])
def test_only_the_invited_organisations_own_admins_accept_or_decline(p, who):
    union = make_org()
    union_member = make_user()
    Membership.objects.create(organisation=union, user=union_member, role=Membership.MEMBER)
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
    )
    actor = {
        "lead_admin": p.test_admin,
        "platform_admin": make_admin(),
        "member_of_invited": union_member,
        "stranger": make_user(),
    }[who]
    with pytest.raises(PermissionDenied):
        services.member_accept(actor=actor, member=member)
    with pytest.raises(PermissionDenied):
        services.member_decline(actor=actor, member=member)
    assert _status(p, union) == Member.INVITED


def test_the_lead_admin_of_an_organisation_that_also_administers_the_invited_one_may_accept(p):
    """Consent is given by the invited organisation's admins, whoever else they are."""
    union = make_org(admin=p.test_admin)
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
    )
    services.member_accept(actor=p.test_admin, member=member)
    assert _status(p, union) == Member.ACTIVE


def test_people_cannot_record_members_only_the_platform_can(p):
    union = make_org()
    with pytest.raises(PermissionDenied):
        services.member_record(
            actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
        )
    with pytest.raises(PermissionDenied):
        services.member_record(
            actor=make_admin(), partnership=p, organisation=union, roles=["implementing"]
        )
    assert not Member.objects.filter(partnership=p, organisation=union).exists()
    member = services.member_record(
        actor=None, partnership=p, organisation=union, roles=["implementing"]
    )
    assert (member.status, member.source) == (Member.ACTIVE, Member.RECORD)


def test_inviting_twice_is_refused_and_a_declined_organisation_can_be_asked_again(p):
    union = make_org()
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
    )
    with pytest.raises(Conflict) as twice:
        services.member_invite(
            actor=p.test_admin, partnership=p, organisation=union, roles=["implementing"]
        )
    assert twice.value.code == Code.ALREADY_MEMBER
    services.member_decline(actor=union.test_admin, member=member)
    again = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["advisory"]
    )
    assert (again.pk, again.status, again.roles) == (member.pk, Member.INVITED, ["advisory"])


@pytest.mark.parametrize(
    "roles", [["donor"], ["implementing", "sponsor"], [], ["", "  "], ["Funding"], ["1"]]
)
def test_unknown_roles_are_refused_everywhere(p, roles):
    union = make_org()
    with pytest.raises(ValidationFailed) as refused:
        services.member_invite(actor=p.test_admin, partnership=p, organisation=union, roles=roles)
    assert "roles" in refused.value.fields
    with pytest.raises(ValidationFailed):
        make_partnership(lead=p.lead, admin=p.test_admin, roles=roles)
    member = join(p, union, roles=["implementing"])
    with pytest.raises(ValidationFailed):
        services.member_roles_set(actor=union.test_admin, member=member, roles=roles)
    assert Member.objects.get(pk=member.pk).roles == ["implementing"]


@pytest.mark.parametrize("role", list(Role.values))
def test_every_known_role_is_accepted(p, role):
    union = make_org()
    member = join(p, union, roles=[role, role])
    assert member.roles == [role]  # duplicates collapse


def test_an_accepting_organisation_may_choose_its_own_roles(p):
    union = make_org()
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["funding"]
    )
    accepted = services.member_accept(
        actor=union.test_admin, member=member, roles=["technical", "migrant_representative"]
    )
    assert accepted.roles == ["technical", "migrant_representative"]


def test_roles_are_the_members_own_to_change(p):
    union = make_org()
    member = join(p, union)
    with pytest.raises(PermissionDenied):
        services.member_roles_set(actor=p.test_admin, member=member, roles=["funding"])
    services.member_roles_set(actor=union.test_admin, member=member, roles=["funding"])
    assert Member.objects.get(pk=member.pk).roles == ["funding"]


def test_the_lead_must_be_verified(reference):
    founder = make_user()
    unverified = make_org(admin=founder, verified=False)
    with pytest.raises(PermissionDenied) as refused:
        services.partnership_create(actor=founder, lead=unverified, fields=partnership_fields())
    assert refused.value.code == Code.LEAD_NOT_VERIFIED
    assert not Partnership.objects.exists()


def test_a_lead_that_loses_its_verification_invites_no_more(p):
    organisation_unverify(actor=make_admin(), organisation=p.lead, reason="Not a ministry.")
    p.lead.refresh_from_db()
    with pytest.raises(PermissionDenied) as refused:
        services.member_invite(
            actor=p.test_admin, partnership=p, organisation=make_org(), roles=["funding"]
        )
    assert refused.value.code == Code.LEAD_NOT_VERIFIED


def test_only_an_admin_of_the_lead_registers_a_partnership_in_its_name(reference):
    lead = make_org()
    for actor in (make_user(), make_org().test_admin):
        with pytest.raises(PermissionDenied):
            services.partnership_create(actor=actor, lead=lead, fields=partnership_fields())
    assert not Partnership.objects.exists()


def test_members_leave_by_their_own_admins_or_are_removed_by_the_partnerships_and_the_lead_stays(
    p,
):
    union, ngo = make_org(), make_org()
    union_member, ngo_member = join(p, union), join(p, ngo)
    with pytest.raises(PermissionDenied):
        services.member_leave(actor=ngo.test_admin, member=union_member)
    services.member_leave(actor=union.test_admin, member=union_member)
    services.member_leave(actor=p.test_admin, member=ngo_member, reason="Inactive")
    assert _status(p, union) == _status(p, ngo) == Member.LEFT
    lead = Member.objects.get(partnership=p, is_lead=True)
    with pytest.raises(Conflict) as refused:
        services.member_leave(actor=p.test_admin, member=lead)
    assert refused.value.code == Code.LEAD_CANNOT_LEAVE


def test_a_cancelled_partnership_takes_no_new_member(p):
    union = make_org()
    member = services.member_invite(
        actor=p.test_admin, partnership=p, organisation=union, roles=["funding"]
    )
    fields = partnership_fields(name=p.name, status=Partnership.CANCELLED)
    services.partnership_update(actor=p.test_admin, partnership=p, fields=fields)
    with pytest.raises(Conflict) as closed:
        services.member_accept(actor=union.test_admin, member=member)
    assert closed.value.code == Code.PARTNERSHIP_CLOSED
    with pytest.raises(Conflict):
        services.member_invite(
            actor=p.test_admin, partnership=p, organisation=make_org(), roles=["funding"]
        )
    reopened = partnership_fields(name=p.name, status=Partnership.ACTIVE)
    with pytest.raises(Conflict):  # cancelled is final
        services.partnership_update(actor=p.test_admin, partnership=p, fields=reopened)
    p.refresh_from_db()
    assert p.status == Partnership.CANCELLED


def test_resources_are_committed_by_the_committing_organisations_own_admins_only(p):
    union, outsider = make_org(), make_org()
    join(p, union)
    fields = services.CommitmentFields(kind="expertise", description="Trainers")
    with pytest.raises(PermissionDenied):  # not in another organisation's name
        services.commitment_add(
            actor=p.test_admin, partnership=p, organisation=union, fields=fields
        )
    with pytest.raises(Conflict) as refused:  # not a member
        services.commitment_add(
            actor=outsider.test_admin, partnership=p, organisation=outsider, fields=fields
        )
    assert refused.value.code == Code.NOT_A_MEMBER
    invited = make_org()
    services.member_invite(
        actor=p.test_admin, partnership=p, organisation=invited, roles=["funding"]
    )
    with pytest.raises(Conflict):  # invited is not a member yet
        services.commitment_add(
            actor=invited.test_admin, partnership=p, organisation=invited, fields=fields
        )
    services.commitment_add(
        actor=union.test_admin, partnership=p, organisation=union, fields=fields
    )


def test_progress_is_reported_by_people_of_an_active_member_in_its_own_name(p):
    from .factories import make_goal, report

    union, invited = make_org(), make_org()
    join(p, union)
    services.member_invite(
        actor=p.test_admin, partnership=p, organisation=invited, roles=["funding"]
    )
    goal = make_goal(p)
    with pytest.raises(PermissionDenied):  # in the lead's name, by a union admin
        report(goal, p.lead, actor=union.test_admin)
    with pytest.raises(PermissionDenied):  # an invited organisation does not report yet
        report(goal, invited)
    colleague = make_user()
    Membership.objects.create(organisation=union, user=colleague, role=Membership.MEMBER)
    assert report(goal, union, actor=colleague).organisation == union
