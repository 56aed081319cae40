"""Partnerships, members, goals, resources and pledges built through the services, as people
would build them: a verified lead organisation with its own admin, invitations accepted by the
invited organisations' own admins."""

import datetime as dt
import itertools
from decimal import Decimal

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.organisations.services import organisation_verify
from migrationhub.organisations.tests.factories import make_organisation
from migrationhub.partnerships import services
from migrationhub.partnerships.models import Member, Partnership, Pledge

_seq = itertools.count(1)


def make_org(*, admin=None, verified=True, **data):
    """An organisation with `admin` (a new user if None) as its own admin; verified by a
    platform admin unless `verified` is False. The admin is reachable as `org.test_admin`."""
    admin = admin or make_user()
    org = make_organisation(admin=admin, **data)
    if verified:
        org = organisation_verify(
            actor=make_admin(), organisation=org, evidence="Checked the official register."
        )
    org.test_admin = admin
    return org


def partnership_fields(**overrides) -> services.PartnershipFields:
    n = next(_seq)
    data = {
        "name": f"Partnership {n} for fair recruitment",
        "purpose": "Employers, unions and governments work together on fair recruitment.",
        "objectives": [6],
        "levels": ["national"],
        "countries": ["PHL"],
        "sdg_targets": ["10.7"],
        "start_date": dt.date(2024, 1, 1),
        "end_date": dt.date(2027, 12, 31),
        **overrides,
    }
    return services.PartnershipFields(**data)


def make_partnership(*, lead=None, admin=None, roles=("accountable",), **fields) -> Partnership:
    """A partnership led by `lead` (a new verified organisation if None), registered by its
    admin."""
    lead = lead or make_org(admin=admin)
    actor = admin or lead.test_admin
    p = services.partnership_create(
        actor=actor, lead=lead, fields=partnership_fields(**fields), roles=roles
    )
    p.test_admin = actor
    return p


def join(partnership: Partnership, organisation, roles=("implementing",)) -> Member:
    """`organisation` invited by the partnership's admin, accepted by its own admin."""
    inviter = getattr(partnership, "test_admin", None) or partnership.lead.test_admin
    member = services.member_invite(
        actor=inviter, partnership=partnership, organisation=organisation, roles=roles
    )
    return services.member_accept(actor=organisation.test_admin, member=member)


def goal_fields(**overrides) -> services.GoalFields:
    """A SMART goal by default."""
    data = {
        "indicator": "Workers recruited without paying fees",
        "unit": "workers",
        "baseline": Decimal("0"),
        "target": Decimal("1000"),
        "due_date": dt.date(2026, 12, 31),
        "objectives": [6],
        "sdg_targets": ["10.7"],
        **overrides,
    }
    return services.GoalFields(**data)


def make_goal(partnership: Partnership, *, actor=None, **overrides):
    actor = actor or getattr(partnership, "test_admin", None) or partnership.lead.test_admin
    return services.goal_add(actor=actor, partnership=partnership, fields=goal_fields(**overrides))


def commit(partnership: Partnership, organisation, *, kind="financial", **overrides):
    """A commitment by `organisation` (an active member), made by its own admin."""
    data = {"kind": kind}
    if kind == "financial":
        data |= {"amount": Decimal("250000.00"), "currency": "EUR"}
    else:
        data |= {"description": f"{kind} committed"}
    data |= overrides
    return services.commitment_add(
        actor=organisation.test_admin,
        partnership=partnership,
        organisation=organisation,
        fields=services.CommitmentFields(**data),
    )


def report(goal, organisation, *, value=Decimal("10"), on=None, actor=None, **overrides):
    return services.progress_report(
        actor=actor or organisation.test_admin,
        goal=goal,
        organisation=organisation,
        fields=services.ProgressFields(reported_on=on or dt.date.today(), value=value, **overrides),
    )


def pledge_fields(**overrides) -> services.PledgeFields:
    n = next(_seq)
    data = {
        "title": f"Pledge {n} on fair recruitment",
        "narrative": "We pledge to train labour inspectors on fair recruitment.",
        "kind": "technical",
        "objectives": [6],
        **overrides,
    }
    return services.PledgeFields(**data)


def make_pledge(*, lead=None, co_pledgers=(), **overrides) -> Pledge:
    lead = lead or make_org()
    return services.pledge_create(
        actor=lead.test_admin,
        lead=lead,
        fields=pledge_fields(**overrides),
        co_pledgers=co_pledgers,
    )
