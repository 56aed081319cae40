"""Fund managers, committee members, contributions and proposals built through the services,
as people would build them."""

import datetime as dt
import itertools
from decimal import Decimal

from migrationhub.accounts.services import fund_role_set
from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.fund import services
from migrationhub.fund.models import Contribution, Proposal
from migrationhub.partnerships.tests.factories import make_org, make_partnership
from migrationhub.taxonomy.selectors import principle_list

_seq = itertools.count(1)


def make_manager(**fields):
    return fund_role_set(actor=make_admin(), user=make_user(**fields), role="manager")


def make_committee(**fields):
    return fund_role_set(actor=make_admin(), user=make_user(**fields), role="committee")


def make_contribution(
    *,
    manager=None,
    contributor=None,
    amount="1000000",
    currency="USD",
    earmark="none",
    deposited=True,
) -> Contribution:
    contributor = contributor or make_org(stakeholder_type="national-government", level="national")
    return services.contribution_record(
        actor=manager or make_manager(),
        fields=services.ContributionFields(
            contributor=contributor.slug,
            amount=Decimal(amount),
            currency=currency,
            date=dt.date(2026, 1, 15),
            earmark=earmark,
            deposited=deposited,
        ),
    )


def proposal_fields(**overrides) -> services.ProposalFields:
    n = next(_seq)
    data = {
        "title": f"Concept note {n}: fair recruitment corridor",
        "summary": "Ministries, employers and unions set up ethical recruitment in one corridor.",
        "amount": Decimal("250000"),
        "currency": "USD",
        "earmark": "none",
        "whole_of_government": "Labour, foreign affairs and interior ministries co-sign.",
        "whole_of_society": "Trade unions and migrant associations sit on the board.",
        **overrides,
    }
    return services.ProposalFields(**data)


def make_proposal(*, partnership=None, **overrides) -> Proposal:
    partnership = partnership or make_partnership()
    return services.proposal_submit(
        actor=partnership.test_admin, partnership=partnership, fields=proposal_fields(**overrides)
    )


def check_fields(*, rating="meets", complete=True, gender=2, rights=2) -> services.CheckFields:
    return services.CheckFields(
        complete=complete,
        principles={p.code: (rating, f"Assessed against {p.code}.") for p in principle_list()},
        gender_marker=gender,
        human_rights_marker=rights,
        whole_of_government=True,
        whole_of_society=True,
        note="Complete and coherent.",
    )


def make_approved(*, manager=None, committee=None, **overrides) -> Proposal:
    proposal = make_proposal(**overrides)
    proposal = services.proposal_check(
        actor=manager or make_manager(), proposal=proposal, fields=check_fields()
    )
    return services.proposal_decide(
        actor=committee or make_committee(),
        proposal=proposal,
        approve=True,
        reason="Fits the fund's priorities; strong participation.",
    )
