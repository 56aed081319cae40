"""Issue 19 in a real browser: a partnership's concept note is submitted by its admin, screened
by a fund manager against the ten guiding principles, approved by a steering committee member,
funded in two tranches; the public financial table and the partnership's IATI activity show it."""

import datetime as dt
import re

import pytest
from lxml import etree
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 42"
TITLE = "Ethical recruitment corridor: pilot"


def make_user(email: str, **fields):
    from allauth.account.models import EmailAddress

    from migrationhub.accounts.services import user_create

    user = user_create(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(browser, base_url: str, email: str):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return context, page


def test_a_concept_note_is_screened_decided_and_funded_in_two_tranches(
    browser, live_server, reference
):
    from decimal import Decimal

    from migrationhub.accounts.services import fund_role_set
    from migrationhub.fund import services
    from migrationhub.organisations.services import (
        OrganisationFields,
        organisation_create,
        organisation_verify,
    )
    from migrationhub.partnerships.services import PartnershipFields, partnership_create

    # given: a platform admin, the fund's roles, a verified lead and its partnership, money in
    admin = make_user("admin@example.org", is_staff=True)
    manager = fund_role_set(actor=admin, user=make_user("manager@example.org"), role="manager")
    member = fund_role_set(actor=admin, user=make_user("committee@example.org"), role="committee")
    lead_admin = make_user("lead@example.org")
    lead = organisation_verify(
        actor=admin,
        organisation=organisation_create(
            actor=lead_admin,
            fields=OrganisationFields(
                name="Ministry of Labour of Examplia",
                stakeholder_type="national-government",
                level="national",
            ),
        ),
        evidence="Official register.",
    )
    partnership = partnership_create(
        actor=lead_admin,
        lead=lead,
        fields=PartnershipFields(
            name="Fair recruitment between Examplia and Samplestan",
            purpose="Governments, employers and unions end recruitment fees.",
            objectives=[6],
            countries=["NPL"],
        ),
        roles=("accountable",),
    )
    donor = organisation_create(
        actor=make_user("donor@example.org"),
        fields=OrganisationFields(
            name="Kingdom of Donoria", stakeholder_type="national-government", level="national"
        ),
    )
    services.contribution_record(
        actor=manager,
        fields=services.ContributionFields(
            contributor=donor.slug,
            amount=Decimal("500000"),
            currency="USD",
            date=dt.date(2026, 1, 15),
            deposited=True,
        ),
    )
    base = live_server.url

    # the partnership's admin submits a concept note
    context, page = sign_in(browser, base, lead_admin.email)
    page.goto(base + "/fund/proposals/")
    page.get_by_role("link", name=re.compile("For Fair recruitment")).click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Concept note").fill("Licensing, fee reimbursement, and pre-departure help.")
    page.get_by_label("Amount requested").fill("200000")
    page.get_by_label("Whole-of-government participation").fill("Labour and foreign ministries.")
    page.get_by_label("Whole-of-society participation").fill("Unions and migrant associations.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    proposal_url = page.url
    context.close()

    # a fund manager screens it against the ten guiding principles
    context, page = sign_in(browser, base, manager.email)
    page.goto(proposal_url)
    page.get_by_role("link", name="Check this proposal").click()
    page.get_by_label("The concept note is complete").check()
    for fieldset in page.locator("fieldset").all():
        legend = fieldset.locator("legend").inner_text()
        if "rating" in legend:
            fieldset.get_by_label("Meets").check()
        elif "marker" in legend:
            fieldset.get_by_label(re.compile("2: principal")).check()
    for note in page.locator("textarea[name^='note_']").all():
        note.fill("Shown in the concept note.")
    page.get_by_label("Evidence of whole-of-government participation").check()
    page.get_by_label("Evidence of whole-of-society participation").check()
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("100 / 100")).to_be_visible()
    context.close()

    # a steering committee member approves, with the reason
    context, page = sign_in(browser, base, member.email)
    page.goto(proposal_url)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Why").fill("Balanced, rights-based, whole-of-society.")
    page.get_by_role("button", name="Record the decision").click()
    decision = page.locator("section", has=page.get_by_role("heading", name="Decision of the"))
    expect(decision.get_by_text("Balanced, rights-based, whole-of-society.")).to_be_visible()
    context.close()

    # the manager allocates and disburses two tranches
    context, page = sign_in(browser, base, manager.email)
    page.goto(proposal_url)
    page.get_by_role("link", name="Allocate money to this proposal").click()
    page.get_by_label("Amount to allocate").fill("200000")
    page.get_by_role("button", name="Allocate").click()
    for tranche in ("80000", "120000"):
        page.get_by_role("link", name="Disburse a tranche").click()
        page.get_by_label("Tranche").fill(tranche)
        page.get_by_role("button", name="Disburse").click()
        expect(page.get_by_text("Tranche disbursed.")).to_be_visible()
    expect(page.get_by_text("200000.00 · 200000.00 · 0.00 USD")).to_be_visible()
    context.close()

    # then: anyone sees it in the financial table, and in the partnership's IATI activity
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(base + "/fund/")
    transfers = page.get_by_role("table", name=re.compile("per funded proposal"))
    expect(transfers.get_by_role("row", name=re.compile(TITLE))).to_contain_text("200000.00")
    expect(page.get_by_role("table", name=re.compile("contributing organisation"))).to_contain_text(
        "Kingdom of Donoria"
    )
    assert "manager@example.org" not in page.content()
    response = page.request.get(f"{base}/api/v1/partnerships/{partnership.slug}/iati.xml")
    tree = etree.fromstring(response.body())
    codes = [t.get("code") for t in tree.iter("transaction-type")]
    assert codes == ["2", "3", "3"]
    csv = page.request.get(f"{base}/api/v1/open-data/fund-transfers.csv").text()
    assert TITLE in csv and "200000.00" in csv
    context.close()
