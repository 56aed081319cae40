"""Issue 16 in a real browser: an organisation registers a partnership, three organisations are
invited (two accept, through their own admins), it sets two goals and makes a joint pledge, a
member reports progress; the scorecard and the status light move as `partnerships/scoring.py` and
`partnerships/lights.py` document; an anonymous visitor finds it by words and filters."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 42"
NAME = "Fair recruitment corridor between Nepal and Qatar"
PLEDGE = "Pre-departure orientation fund for Nepali workers"
GOALS = (
    (
        "Recruiters certified under the fair recruitment scheme",
        "recruiters",
        "0",
        "40",
        "2027-06-30",
    ),
    ("Workers reimbursed recruitment fees", "workers", "0", "2000", "2028-06-30"),
)


def make_user(email: str, **fields):
    """A user who can sign in with PASSWORD, their address verified as allauth requires."""
    from allauth.account.models import EmailAddress

    from migrationhub.accounts.services import user_create

    user = user_create(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_organisation(admin, name: str, stakeholder_type: str, level: str, verifier=None):
    """An organisation whose own admin is `admin`; verified by `verifier` (a platform admin)."""
    from migrationhub.organisations.services import (
        OrganisationFields,
        organisation_create,
        organisation_verify,
    )

    org = organisation_create(
        actor=admin,
        fields=OrganisationFields(name=name, stakeholder_type=stakeholder_type, level=level),
    )
    if verifier is not None:
        org = organisation_verify(actor=verifier, organisation=org, evidence="Official register.")
    return org


class Visit:
    """One user's visit in their own browser context: signed in on entry, out on exit."""

    def __init__(self, browser, base_url: str, email: str):
        self.context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base_url, self.email = base_url, email

    def __enter__(self):
        page = self.page
        page.goto(self.base_url + "/accounts/login/")
        page.get_by_label("Email").fill(self.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.page.get_by_role("button", name="Sign out").click()
                expect(self.page.get_by_role("link", name="Sign in")).to_be_visible()
        finally:
            self.context.close()


def expect_message(page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def light(page):
    """The status light in the partnership's "Reporting" section."""
    return page.get_by_role("region", name="Reporting").locator(".light")


def dimension(page, title: str) -> int:
    """The score of one dimension of the scorecard shown on the page."""
    heading = page.get_by_role("region", name="Scorecard").get_by_role("heading", name=title)
    return int(re.search(r"(\d+)/100", heading.inner_text()).group(1))


def members(page):
    return page.get_by_role("region", name="Members").locator("ul.members > li")


def goals(page):
    return page.get_by_role("region", name="Goals and progress").locator("ul.goals > li")


def scorecard_reasons(page):
    return page.get_by_role("region", name="Scorecard")


def open_partnership(page, base_url: str) -> None:
    page.goto(base_url + "/partnerships/invitations/")
    page.get_by_role("main").get_by_role("link", name=NAME).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)


def accept_invitation(page, base_url: str, title: str) -> None:
    page.goto(base_url + "/partnerships/invitations/")
    # the button's name ends with what it accepts (a visually hidden ": title")
    page.get_by_role("button", name=re.compile(rf"^Accept\W+{re.escape(title)}$")).click()
    expect_message(page, "Accepted")


def register_partnership(page) -> None:
    page.goto(page.base_url + "/partnerships/")
    page.get_by_role("link", name="Register a partnership").click()
    expect(page.get_by_label("Lead organisation")).to_have_value("nepal-ministry-of-labour")
    page.get_by_role("textbox", name="Name", exact=True).fill(NAME)
    page.get_by_label("Purpose").fill(
        "The ministry, the city of Kathmandu and returnee associations end recruitment fees "
        "charged to Nepali workers bound for Qatar."
    )
    page.get_by_label("Start", exact=True).fill("2025-01-01")
    page.get_by_label("End", exact=True).fill("2028-12-31")
    page.get_by_role("group", name="Governance levels").get_by_role(
        "checkbox", name="National"
    ).check()
    page.get_by_role("group", name="GCM objectives").get_by_role(
        "checkbox", name=re.compile(r"^6\. ")
    ).check()
    page.get_by_label("Countries", exact=True).select_option(["NPL", "QAT"])
    page.get_by_role("button", name="Register").click()
    expect_message(page, "Partnership registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)


def invite(page, organisation: str, role: str) -> None:
    page.get_by_text("Invite an organisation", exact=True).click()
    page.get_by_role("combobox", name="Organisation", exact=True).select_option(label=organisation)
    page.get_by_role("group", name="Proposed roles").get_by_role("checkbox", name=role).check()
    page.get_by_label("Message to its administrators").fill("Join us on fair recruitment.")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect_message(page, "Invitation sent")


def add_goal(page, indicator, unit, baseline, target, due) -> None:
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Indicator").fill(indicator)
    page.get_by_label("Unit").fill(unit)
    page.get_by_label("Baseline").fill(baseline)
    page.get_by_label("Target", exact=True).fill(target)
    page.get_by_label("Due date").fill(due)
    page.get_by_role("group", name="GCM objectives").get_by_role(
        "checkbox", name=re.compile(r"^6\. ")
    ).check()
    page.get_by_role("button", name="Add the goal").click()
    expect_message(page, "Goal added.")


def test_partnership_from_registration_to_a_visitor_finding_it(browser, live_server, demo_data):
    # given a ministry (verified) with its admin, and three other organisations with their own
    # admins: a city (verified), a returnee association and a recruitment agency
    from migrationhub.partnerships import services
    from migrationhub.partnerships.models import Partnership

    verifier = make_user("verifier@example.org", is_staff=True, reviewer_role="internal")
    ministry_admin = make_user("ministry@example.org", display_name="Maya Ministry")
    city_admin = make_user("city@example.org", display_name="Chandra City")
    returnees_admin = make_user("returnees@example.org", display_name="Rita Returnee")
    agency_admin = make_user("agency@example.org", display_name="Anil Agency")
    for admin, name, kind, level, by in (
        (ministry_admin, "Nepal Ministry of Labour", "national-government", "national", verifier),
        (city_admin, "Kathmandu Metropolitan City", "local-authority", "local", verifier),
        (
            returnees_admin,
            "Returnee Migrant Workers Association",
            "migrant-diaspora",
            "national",
            None,
        ),
        (agency_admin, "Himalaya Recruitment Agency", "private-sector", "national", None),
    ):
        make_organisation(admin, name, kind, level, by)

    def visit(user):
        return Visit(browser, live_server.url, user.email)

    # when the ministry's admin registers the partnership and invites the three organisations
    with visit(ministry_admin) as page:
        page.base_url = live_server.url
        register_partnership(page)
        # then, alone, it is green: no report is due in the first 12 months
        expect(light(page)).to_have_text("Reported in the last 12 months")
        breadth_alone = dimension(page, "Breadth and inclusiveness")
        focus_alone = dimension(page, "Focus")
        expect(scorecard_reasons(page)).to_contain_text("No goal yet.")
        invite(page, "Kathmandu Metropolitan City", "Implementing")
        invite(page, "Returnee Migrant Workers Association", "Migrant or diaspora representative")
        invite(page, "Himalaya Recruitment Agency", "Implementing")
        # the invited are not members until their own admins accept
        pending = page.locator("h3", has_text="Invited, waiting for their answer").locator("+ ul")
        expect(pending.locator("li")).to_have_count(3)
        expect(members(page)).to_have_count(1)
        assert dimension(page, "Breadth and inclusiveness") == breadth_alone

    # when the city's and the association's admins accept; the agency's never answers
    with visit(city_admin) as page:
        accept_invitation(page, live_server.url, NAME)
    with visit(returnees_admin) as page:
        accept_invitation(page, live_server.url, NAME)

    # then the partnership is broader, as documented: new stakeholder types, a migrants'
    # organisation, a verified government body and a local authority (whole of government)
    with visit(ministry_admin) as page:
        open_partnership(page, live_server.url)
        expect(members(page)).to_have_count(3)
        expect(members(page).filter(has_text="Himalaya Recruitment Agency")).to_have_count(0)
        reasons = scorecard_reasons(page)
        expect(reasons).to_contain_text("A migrant or diaspora organisation is a member.")
        expect(reasons).to_contain_text("A verified government body is a member.")
        expect(reasons).not_to_contain_text("Private sector")
        breadth = dimension(page, "Breadth and inclusiveness")
        assert breadth > breadth_alone

        # when its admin sets two SMART goals
        for goal in GOALS:
            add_goal(page, *goal)
        # then its focus rises: every goal is SMART and the period is clear
        expect(goals(page)).to_have_count(2)
        expect(scorecard_reasons(page)).to_contain_text("2 of 2 goals are SMART.")
        assert dimension(page, "Focus") > focus_alone

        # when the ministry makes a financial pledge delivered by the partnership, jointly with
        # the city
        page.goto(live_server.url + "/partnerships/pledges/new/")
        page.get_by_role("textbox", name="Title", exact=True).fill(PLEDGE)
        page.get_by_label("What is pledged").fill(
            "Orientation before departure for every worker recruited through the corridor."
        )
        page.get_by_role("group", name="Type").get_by_label("Financial").check()
        page.get_by_label("Amount").fill("250000")
        page.get_by_label("Currency").fill("USD")
        page.get_by_label("Delivered by the partnership").select_option(label=NAME)
        page.get_by_label("Joint pledge with").select_option(label="Kathmandu Metropolitan City")
        page.get_by_role("button", name="Pledge", exact=True).click()
        expect_message(page, "Pledge made.")
        expect(page.get_by_role("heading", level=1)).to_have_text(PLEDGE)
        expect(page.locator(".meta")).not_to_contain_text("Joint pledge")
    with visit(city_admin) as page:
        accept_invitation(page, live_server.url, PLEDGE)
        page.get_by_role("main").get_by_role("link", name=PLEDGE).click()
        # then the pledge is joint: both organisations make it
        expect(page.locator(".meta")).to_contain_text("Joint pledge")
        pledged_by = page.locator("dt", has_text="Pledged by").locator("+ dd")
        expect(pledged_by).to_contain_text("Nepal Ministry of Labour")
        expect(pledged_by).to_contain_text("Kathmandu Metropolitan City")

    # when 13 months pass without a report (the registration moved back; the daily refresh runs)
    Partnership.objects.filter(name=NAME).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    )
    services.partnerships_refresh()
    # then its report is overdue (amber), on its page and in the registry's filters
    with visit(city_admin) as page:
        open_partnership(page, live_server.url)
        expect(light(page)).to_have_text("Report overdue")

        # when a member (the city) reports progress on a goal
        goal = goals(page).first
        goal.get_by_role("link", name=re.compile("^Report progress")).click()
        expect(page.get_by_label("Reported by")).to_have_value(re.compile("kathmandu"))
        page.get_by_label("Value").fill("12")
        page.get_by_label("What happened").fill("Twelve recruiters certified after audits.")
        page.get_by_role("button", name="Report", exact=True).click()
        expect_message(page, "Progress reported.")
        # then the light is green again and the goal shows the latest value
        expect(light(page)).to_have_text("Reported in the last 12 months")
        expect(goal).to_contain_text("Latest: 12 on")

    # and an anonymous visitor finds it by words and filters, with its scorecard and light
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(live_server.url + "/partnerships/")
        status = page.get_by_role("status")
        page.get_by_label("Search partnerships").fill("recruitment Nepal")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]q=recruitment"))
        filters = page.get_by_role("complementary", name="Filters")
        filters.get_by_role("group", name="Stakeholder type of a member").get_by_role(
            "checkbox", name=re.compile("^Migrant or diaspora organisation")
        ).check()
        filters.get_by_role("group", name="Reporting").get_by_role(
            "checkbox", name=re.compile("^Reported in the last 12 months")
        ).check()
        filters.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"[?&]stakeholder_type=migrant-diaspora"))
        expect(page).to_have_url(re.compile(r"[?&]light=green"))
        expect(page.locator("#partnership-search.htmx-request")).to_have_count(0)
        expect(status).to_have_text(re.compile(r"^1 partnership found"))
        result = page.locator("#search-results li").first
        expect(result).to_contain_text("Reported in the last 12 months")
        result.get_by_role("link", name=NAME).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
        expect(light(page)).to_have_text("Reported in the last 12 months")
        expect(scorecard_reasons(page)).to_contain_text("2 of 2 goals are SMART.")
        assert dimension(page, "Breadth and inclusiveness") == breadth
        expect(page.get_by_role("region", name="Pledges it delivers")).to_contain_text(PLEDGE)
    finally:
        context.close()
