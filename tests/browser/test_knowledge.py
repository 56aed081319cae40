"""Issue 3 in a real browser: find a practice, and take one through peer review to publication."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 42"


# --- Finding a practice -------------------------------------------------------------------------


def facet(page, title: str):
    """The group of checkboxes of one search filter, found by its legend."""
    return page.get_by_role("group", name=title, exact=True)


def submit_and_wait(page, button: str, address: str) -> int:
    """Press `button` of the search form, wait until the page shows the search whose address
    matches `address` with no request in flight, and return how many results it found.

    It waits on conditions, never on a change of text: with JavaScript, ticking a filter already
    refreshes the results (htmx), possibly before the button is pressed, so "the count changed"
    may never happen after the press, while "the address says it and htmx is idle" always does.
    """
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(address))
    expect(page.locator("#practice-search.htmx-request")).to_have_count(0)
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile(r"^\d+ "))
    return int(re.match(r"\d+", status.inner_text()).group())


def expect_every_result_in_objective_6(page) -> None:
    for tags in page.locator("#search-results .tags").all():
        expect(tags).to_contain_text("Objective 6")


def search_and_filter(page) -> str:
    """Search "recruitment", filter by objective 6, then by a region that the filtered results
    offer, and open the first practice found; return its title. The same steps work with and
    without JavaScript."""
    page.goto(page.base_url + "/practices/")
    page.get_by_label("Search practices").fill("recruitment")
    assert submit_and_wait(page, "Search", r"[?&]q=recruitment") > 1

    facet(page, "GCM objective").get_by_role("checkbox", name=re.compile(r"^6\. ")).check()
    found = submit_and_wait(page, "Apply filters", r"[?&]objective=6")
    assert found >= 1
    expect_every_result_in_objective_6(page)
    # The filters follow the results: no region counts more practices than were found.
    regions = facet(page, "Region").get_by_role("checkbox")
    expect(regions).not_to_have_count(0)
    counts = [int(n) for n in facet(page, "Region").locator(".count").all_inner_texts()]
    assert max(counts) <= found, f"region counts {counts} are not those of {found} results"

    region = regions.first
    region_code = region.get_attribute("value")
    region.check()
    assert 1 <= submit_and_wait(page, "Apply filters", rf"[?&]region={region_code}") <= found
    expect_every_result_in_objective_6(page)
    # The address names the search, so it can be shared or bookmarked.
    assert re.search(r"[?&]q=recruitment(&|$)", page.url)
    assert re.search(r"[?&]objective=6(&|$)", page.url)
    assert re.search(rf"[?&]region={region_code}(&|$)", page.url)

    first = page.locator("#search-results h2 a").first
    title = first.inner_text()
    first.click()
    return title


def expect_practice_detail(page, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="GCM objectives").locator("+ dd")).to_contain_text(
        "6. Facilitate fair and ethical recruitment"
    )
    expect(facts.locator("dt", has_text="Last verified").locator("+ dd")).to_have_text(
        re.compile(r"^\d{4}-\d{2}-\d{2}$")
    )


def test_visitor_finds_a_practice_by_words_objective_and_region(page, demo_data):
    # given the demo content and a visitor with JavaScript (htmx updates the results in place)
    # when they search, filter and open the practice found
    title = search_and_filter(page)
    # then they see its detail page
    expect_practice_detail(page, title)
    # and going back shows the filtered search page again, whole
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practices and initiatives")
    expect(page.locator("#search-results").get_by_role("link", name=title)).to_be_visible()


def test_a_filter_keeps_the_keyboard_focus_when_the_results_update(page, demo_data):
    # given a keyboard user on the search page, on the checkbox of objective 6
    page.goto(page.base_url + "/practices/?q=recruitment")
    checkbox = facet(page, "GCM objective").get_by_role("checkbox", name=re.compile(r"^6\. "))
    checkbox.focus()
    status = page.get_by_role("status")
    before = status.inner_text()
    # when they tick it with the space bar and htmx replaces the filters and the results
    page.keyboard.press("Space")
    expect(status).not_to_have_text(before)
    # then the focus is still on the (new) checkbox, now ticked
    expect(checkbox).to_be_focused()
    expect(checkbox).to_be_checked()


def test_visitor_finds_a_practice_without_javascript(browser, live_server, demo_data):
    # given a visitor whose browser runs no JavaScript
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        # when they search, filter with the checkboxes and submit, and open the practice found
        title = search_and_filter(page)
        # then they see its detail page
        expect_practice_detail(page, title)
    finally:
        context.close()


# --- Peer review, from submission to publication ------------------------------------------------

TITLE = "Zero-fee recruitment corridor for care workers"


def make_user(email: str, **fields):
    """A user who can sign in with PASSWORD, their address verified as allauth requires."""
    from allauth.account.models import EmailAddress

    from migrationhub.accounts.services import user_create

    user = user_create(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


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


def expect_status(page, text: str) -> None:
    expect(page.locator(".badge-status")).to_have_text(text)


def open_from_review_queue(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Peer review").click()
    page.get_by_role("main").get_by_role("link", name=TITLE).click()


def review(page, decision: str, comment: str = "", *, declare: bool = False) -> None:
    """A reviewer's turn on the practice page: the declaration of interest first if asked."""
    if declare:
        page.get_by_label("I have no conflict of interest").check()
        page.get_by_role("button", name="Record declaration").click()
        expect_message(page, "Declaration recorded.")
    page.get_by_role("group", name="Your decision").get_by_label(decision, exact=True).check()
    page.get_by_label("Comment to the organisation").fill(comment)
    page.get_by_role("button", name="Record decision").click()
    expect_message(page, "Decision recorded.")


def test_practice_goes_through_peer_review_to_publication(browser, live_server, demo_data):
    # given a member of an organisation, a platform admin and three reviewers
    from migrationhub.organisations.services import OrganisationFields, organisation_create

    member = make_user("member@example.org", display_name="Mina Member")
    organisation_create(
        actor=member,
        fields=OrganisationFields(
            name="Care Workers Alliance", stakeholder_type="civil-society", level="national"
        ),
    )
    admin = make_user("admin@example.org", display_name="Ada Admin", is_staff=True)
    internal = make_user(
        "internal@example.org", display_name="Ines Internal", reviewer_role="internal"
    )
    external_1 = make_user(
        "ext1@example.org", display_name="Ezra External", reviewer_role="external"
    )
    external_2 = make_user(
        "ext2@example.org", display_name="Eva External", reviewer_role="external"
    )

    def visit(user):
        return Visit(browser, live_server.url, user.email)

    # when the member submits a practice through the form
    with visit(member) as page:
        page.get_by_role("link", name="My work").click()
        page.get_by_role("main").get_by_role("link", name="Submit a practice").click()
        expect(page.get_by_label("Submitting organisation")).to_have_value(
            re.compile("care-workers-alliance")
        )
        page.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
        page.get_by_role("textbox", name="Summary", exact=True).fill(
            "Employers in the destination country pay every recruitment cost of care workers."
        )
        page.get_by_role("textbox", name="Description", exact=True).fill(
            "A bilateral corridor where licensed agencies may not charge workers any fee; "
            "a joint committee of unions and employers hears complaints."
        )
        page.get_by_role("group", name="GCM objectives").get_by_role(
            "checkbox", name=re.compile(r"^6\. ")
        ).check()
        page.get_by_role("group", name="Governance levels").get_by_role(
            "checkbox", name="National"
        ).check()
        page.get_by_label("Countries", exact=True).select_option(["NPL", "GBR"])
        page.get_by_role("button", name="Save and submit for review").click()
        # then it waits for a review panel
        expect_message(page, "Submitted for review.")
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect_status(page, "Submitted")

    # when a platform admin assigns one internal and two external reviewers on its page
    with visit(admin) as page:
        open_from_review_queue(page)
        for reviewer in (internal, external_1, external_2):
            select = page.get_by_role("combobox", name="Reviewer", exact=True)
            option = select.locator("option", has_text=reviewer.email)
            select.select_option(option.get_attribute("value"))
            page.get_by_role("button", name="Assign").click()
            expect_message(page, "Reviewer assigned.")
        # then the review starts
        expect_status(page, "In review")
        panel = page.get_by_role("region", name="Review", exact=True)
        for reviewer in (internal, external_1, external_2):
            expect(panel).to_contain_text(reviewer.display_name)

    # when each reviewer declares no conflict of interest and decides: two return it
    with visit(internal) as page:
        open_from_review_queue(page)
        review(page, "Publish", declare=True)
    with visit(external_1) as page:
        open_from_review_queue(page)
        review(
            page,
            "Return for more information",
            "Please give more information on who pays the visa fees.",
            declare=True,
        )
    with visit(external_2) as page:
        open_from_review_queue(page)
        review(
            page,
            "Return for more information",
            "More information on complaints received, please.",
            declare=True,
        )
        # then the round is over and the practice is returned
        expect_status(page, "Returned for more information")

    # when the member reads the comments, edits the practice and resubmits it
    with visit(member) as page:
        page.get_by_role("link", name="My work").click()
        row = page.get_by_role("row", name=re.compile(TITLE))
        expect(row).to_contain_text("Returned for more information")
        row.get_by_role("link", name=TITLE).click()
        comments = page.locator(".review-comment")
        expect(comments).to_have_text(
            [
                "Please give more information on who pays the visa fees.",
                "More information on complaints received, please.",
            ]
        )
        page.get_by_role("link", name="Edit").click()
        page.get_by_label("Results and evidence").fill(
            "Employers pay the visa fees. 41 complaints in 2023, all heard within 30 days."
        )
        page.get_by_role("button", name="Save and submit for review").click()
        # then the same panel reviews it again
        expect_message(page, "Submitted for review.")
        expect_status(page, "In review")

    # when the three reviewers review again, and a majority publishes it
    with visit(external_2) as page:
        open_from_review_queue(page)
        review(
            page, "Return for more information", "Still more information on the agencies, please."
        )
        expect_status(page, "In review")
    with visit(internal) as page:
        open_from_review_queue(page)
        review(page, "Publish")
        expect_status(page, "In review")
    with visit(external_1) as page:
        open_from_review_queue(page)
        review(page, "Publish")
        # then it is published
        expect_status(page, "Published")

    # and an anonymous visitor finds it by the words of its title
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/practices/")
        page.get_by_label("Search practices").fill("zero-fee corridor care workers")
        page.get_by_role("button", name="Search", exact=True).click()
        page.locator("#search-results").get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect_status(page, "Published")
        expect(page.locator(".review-comment")).to_have_count(0)
    finally:
        context.close()
