"""Pledges (the IMRF model): joint only with the co-pledger's consent, matching another pledge
(never itself), money as a Decimal in an ISO 4217 currency, closed when fulfilled or withdrawn."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.partnerships import exports, selectors, services
from migrationhub.partnerships.errors import Code
from migrationhub.partnerships.models import Commitment, Pledge, Pledger

from .factories import commit, join, make_org, make_partnership, make_pledge, pledge_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(reference):
    return make_org(name="Fair Work Foundation", stakeholder_type="philanthropy")


def _pledger(pledge, organisation):
    return Pledger.objects.get(pledge=pledge, organisation=organisation)


def test_a_co_pledger_is_invited_and_the_pledge_is_joint_only_once_it_accepts(
    lead, django_capture_on_commit_callbacks
):
    union = make_org(name="Workers United")
    with django_capture_on_commit_callbacks(execute=True):
        pledge = make_pledge(lead=lead, co_pledgers=[union])
    assert _pledger(pledge, union).status == Pledger.INVITED
    assert not selectors.is_joint(selectors.pledge_get(pledge.slug))
    assert [m.to for m in mail.outbox] == [[union.test_admin.email]]
    assert {p["slug"]: p["joint"] for p in exports.pledge_rows()}[pledge.slug] is False
    services.pledger_accept(actor=union.test_admin, pledger=_pledger(pledge, union))
    fresh = selectors.pledge_get(pledge.slug)
    assert selectors.is_joint(fresh)
    row = {p["slug"]: p for p in exports.pledge_rows()}[pledge.slug]
    assert row["joint"] is True and row["pledgers"] == [lead.slug, union.slug]
    joint = selectors.pledge_search(None, {"joint": ["yes"]})
    assert [item.object.slug for item in joint.page.items] == [pledge.slug]


@pytest.mark.parametrize("who", ["lead_admin", "platform_admin", "stranger"])
def test_nobody_but_the_co_pledgers_own_admins_answers_for_it(lead, who):
    union = make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[union])
    actor = {"lead_admin": lead.test_admin, "platform_admin": make_admin(), "stranger": make_user()}
    with pytest.raises(PermissionDenied):
        services.pledger_accept(actor=actor[who], pledger=_pledger(pledge, union))
    with pytest.raises(PermissionDenied):
        services.pledger_decline(actor=actor[who], pledger=_pledger(pledge, union))
    assert _pledger(pledge, union).status == Pledger.INVITED


def test_a_declined_invitation_leaves_the_pledge_single_and_cannot_be_accepted_after(lead):
    union = make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[union])
    services.pledger_decline(actor=union.test_admin, pledger=_pledger(pledge, union))
    with pytest.raises(Conflict) as closed:
        services.pledger_accept(actor=union.test_admin, pledger=_pledger(pledge, union))
    assert closed.value.code == Code.NOT_INVITED
    assert not selectors.is_joint(selectors.pledge_get(pledge.slug))


def test_only_the_lead_admins_invite_co_pledgers(lead):
    pledge = make_pledge(lead=lead)
    union = make_org()
    with pytest.raises(PermissionDenied):
        services.pledger_invite(actor=union.test_admin, pledge=pledge, organisation=union)
    services.pledger_invite(actor=lead.test_admin, pledge=pledge, organisation=union)
    assert _pledger(pledge, union).status == Pledger.INVITED
    with pytest.raises(Conflict) as twice:
        services.pledger_invite(actor=lead.test_admin, pledge=pledge, organisation=union)
    assert twice.value.code == Code.ALREADY_MEMBER


def test_a_pledge_is_made_by_a_verified_organisations_admin(reference):
    unverified = make_org(verified=False)
    with pytest.raises(PermissionDenied) as refused:
        make_pledge(lead=unverified)
    assert refused.value.code == Code.LEAD_NOT_VERIFIED
    verified = make_org()
    with pytest.raises(PermissionDenied):
        services.pledge_create(actor=make_user(), lead=verified, fields=pledge_fields())
    assert not Pledge.objects.exists()


def test_a_pledge_matches_another_and_never_itself(lead):
    first = make_pledge(lead=lead, kind="financial", amount=Decimal("1000"), currency="USD")
    matching = make_pledge(lead=make_org(), matches=first.slug)
    assert matching.matches == first
    assert [p.slug for p in selectors.pledge_get(first.slug).matched_by.all()] == [matching.slug]
    assert {p["slug"]: p["matches"] for p in exports.pledge_rows()}[matching.slug] == first.slug
    with pytest.raises(ValidationFailed) as cycle:
        services.pledge_update(
            actor=lead.test_admin,
            pledge=first,
            fields=pledge_fields(
                title=first.title,
                kind="financial",
                amount=Decimal("1000"),
                currency="USD",
                matches=matching.slug,
            ),
        )
    assert cycle.value.code == Code.MATCHING_ITSELF
    with pytest.raises(ValidationFailed) as itself:
        services.pledge_update(
            actor=lead.test_admin,
            pledge=first,
            fields=pledge_fields(title=first.title, matches=first.slug),
        )
    assert itself.value.code == Code.MATCHING_ITSELF
    with pytest.raises(ValidationFailed) as unknown:
        make_pledge(lead=lead, matches="no-such-pledge")
    assert "matches" in unknown.value.fields


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        (Decimal("1000"), "", "currency"),
        (Decimal("1000"), "EURO", "currency"),
        (Decimal("1000"), "XYZ", "currency"),
        (Decimal("1000"), "$", "currency"),
        (None, "EUR", "amount"),
        (Decimal("0"), "EUR", "amount"),
        (Decimal("-5"), "EUR", "amount"),
        (Decimal("NaN"), "EUR", "amount"),
        (Decimal("Infinity"), "EUR", "amount"),
        (Decimal("10.001"), "EUR", "amount"),
        (Decimal("1E16"), "EUR", "amount"),
    ],
)
def test_money_is_a_positive_decimal_in_an_iso_4217_currency(lead, amount, currency, field):
    with pytest.raises(ValidationFailed) as refused:
        make_pledge(lead=lead, kind="financial", amount=amount, currency=currency)
    assert field in refused.value.fields
    p = make_partnership(lead=lead)
    with pytest.raises(ValidationFailed) as refused:
        commit(p, lead, amount=amount, currency=currency)
    assert field in refused.value.fields
    assert not Pledge.objects.exists() and not Commitment.objects.exists()


def test_money_is_stored_exactly_with_its_currency_normalised(lead):
    pledge = make_pledge(
        lead=lead, kind="financial", amount=Decimal("1234567.89"), currency=" usd "
    )
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.currency) == (Decimal("1234567.89"), "USD")
    p = make_partnership(lead=lead)
    c = commit(p, lead, amount=Decimal("0.10"), currency="xof")
    c.refresh_from_db()
    assert (c.amount, c.currency) == (Decimal("0.10"), "XOF")
    row = {r["slug"]: r for r in exports.pledge_rows()}[pledge.slug]
    assert (row["amount"], row["currency"]) == (Decimal("1234567.89"), "USD")


def test_an_amount_is_for_financial_pledges_and_expertise_has_none(lead):
    with pytest.raises(ValidationFailed) as refused:
        make_pledge(lead=lead, kind="policy", amount=Decimal("10"), currency="EUR")
    assert "amount" in refused.value.fields
    p = make_partnership(lead=lead)
    with pytest.raises(ValidationFailed):
        commit(p, lead, kind="expertise", amount=Decimal("10"), currency="EUR")
    with pytest.raises(ValidationFailed) as unknown:
        make_pledge(lead=lead, kind="prayers")
    assert "kind" in unknown.value.fields


@pytest.mark.parametrize("status", [Pledge.FULFILLED, Pledge.WITHDRAWN])
def test_fulfilled_and_withdrawn_pledges_are_closed(lead, status):
    union = make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[union])
    services.pledge_status_set(actor=lead.test_admin, pledge=pledge, status=status)
    pledge.refresh_from_db()
    assert pledge.is_closed and pledge.light == "closed"
    with pytest.raises(Conflict) as closed:
        services.pledge_update(
            actor=lead.test_admin, pledge=pledge, fields=pledge_fields(title="Changed")
        )
    assert closed.value.code == Code.PLEDGE_CLOSED
    with pytest.raises(Conflict):
        services.pledger_invite(actor=lead.test_admin, pledge=pledge, organisation=make_org())
    with pytest.raises(Conflict):
        services.pledge_report(
            actor=lead.test_admin,
            pledge=pledge,
            organisation=lead,
            fields=services.ProgressFields(reported_on=dt.date.today(), narrative="Done"),
        )
    with pytest.raises(Conflict) as late:  # an open invitation cannot join a closed pledge
        services.pledger_accept(actor=union.test_admin, pledger=_pledger(pledge, union))
    assert late.value.code == Code.PLEDGE_CLOSED
    assert _pledger(pledge, union).status == Pledger.INVITED
    assert {r["slug"]: r["light"] for r in exports.pledge_rows()}[pledge.slug] == "closed"


def test_only_the_lead_admins_change_a_pledges_status_to_a_known_one(lead):
    pledge = make_pledge(lead=lead)
    with pytest.raises(PermissionDenied):
        services.pledge_status_set(actor=make_user(), pledge=pledge, status=Pledge.FULFILLED)
    with pytest.raises(ValidationFailed):
        services.pledge_status_set(actor=lead.test_admin, pledge=pledge, status="forgotten")
    assert Pledge.objects.get(pk=pledge.pk).status == Pledge.OPEN


def test_a_pledge_is_delivered_by_a_partnership_its_lead_belongs_to(lead):
    p = make_partnership()
    with pytest.raises(ValidationFailed) as refused:
        make_pledge(lead=lead, partnership=p.slug)
    assert "partnership" in refused.value.fields
    join(p, lead, roles=["funding"])
    pledge = make_pledge(lead=lead, partnership=p.slug)
    assert pledge.partnership == p


def test_pledgers_report_on_their_pledge_and_only_they(lead):
    union = make_org()
    pledge = make_pledge(lead=lead, co_pledgers=[union])
    fields = services.ProgressFields(reported_on=dt.date.today(), narrative="Trained 40 inspectors")
    with pytest.raises(Conflict):  # invited, not yet pledging
        services.pledge_report(
            actor=union.test_admin, pledge=pledge, organisation=union, fields=fields
        )
    with pytest.raises(PermissionDenied):
        services.pledge_report(actor=make_user(), pledge=pledge, organisation=lead, fields=fields)
    report = services.pledge_report(
        actor=lead.test_admin, pledge=pledge, organisation=lead, fields=fields
    )
    assert report.pledge == pledge
    assert Pledge.objects.get(pk=pledge.pk).last_reported_on == dt.date.today()
