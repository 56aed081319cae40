"""Issue 18 in a real browser: a local authority asks for support; a hub curator screens it
against the ten guiding principles, starts matching, reads why each organisation ranks where it
does and proposes a consortium; the authority accepts, and the new partnership appears with its
members invited."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 42"
TITLE = "Labour market information for Dakar's migrant workers"


def make_user(email: str):
    from allauth.account.models import EmailAddress

    from migrationhub.accounts.services import user_create

    user = user_create(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_organisation(admin, verifier, name: str, stakeholder_type: str, level: str, **more):
    from migrationhub.organisations.services import (
        OrganisationFields,
        organisation_create,
        organisation_verify,
    )

    org = organisation_create(
        actor=admin,
        fields=OrganisationFields(
            name=name, stakeholder_type=stakeholder_type, level=level, **more
        ),
    )
    return organisation_verify(actor=verifier, organisation=org, evidence="Official register.")


def fits(page) -> bool:
    """Nothing widens the page beyond the phone's screen (wide tables scroll in their box).
    Called once the page's content is on screen; waits for it to have finished loading."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class Visit:
    """One user's visit in their own browser context, signed in."""

    def __init__(self, browser, base_url: str, email: str):
        self.context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
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
        self.context.close()


def test_a_request_goes_from_submission_to_a_partnership(browser, live_server, reference):
    from migrationhub.accounts.services import hub_curator_grant, user_create

    base = live_server.url
    admin = user_create(email="admin@example.org", password=PASSWORD, is_staff=True)
    curator = hub_curator_grant(actor=admin, user=make_user("curator@example.org"))
    mayor = make_user("mayor@dakar.example.org")
    make_organisation(mayor, admin, "City of Dakar", "local-authority", "local", home_country="SEN")
    partners = {
        "Réseau des travailleurs migrants": ("civil-society", "local", [6, 18]),
        "Université Cheikh Anta Diop": ("academia", "national", [18]),
        "Employers of Senegal": ("employers-organisation", "national", [6]),
    }
    for name, (kind, level, objectives) in partners.items():
        make_organisation(
            make_user(f"{kind}@example.org"),
            admin,
            name,
            kind,
            level,
            home_country="SEN",
            objectives=objectives,
            languages=["fr"],
        )

    # the authority asks for support, without JavaScript-only widgets
    with Visit(browser, base, mayor.email) as page:
        page.goto(base + "/hub/")
        page.get_by_role("link", name="Ask for support").click()
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_country").select_option("SEN")
        page.locator('input[name="objectives"][value="6"]').check()
        page.locator('input[name="objectives"][value="18"]').check()
        page.locator("#id_need").fill(
            "Migrant workers are recruited informally; the city needs labour market information."
        )
        page.locator("#id_outcomes").fill("A labour market information system\nFair recruitment")
        page.locator('input[name="levels"][value="local"]').check()
        page.locator('input[name="support_kinds"][value="technical"]').check()
        page.locator("#id_language").select_option("en")
        page.get_by_role("button", name="Submit the request").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.locator("main")).to_contain_text("Submitted")
        slug = page.url.rstrip("/").split("/")[-1]

    # a curator screens it, starts matching, reads the components and proposes a consortium
    with Visit(browser, base, curator.email) as page:
        page.goto(f"{base}/hub/requests/{slug}/")
        page.get_by_role("link", name="Screen the request").click()
        page.locator("#id_complete").check()
        for box in page.locator('input[name^="met_"]').all():
            box.check()
        page.get_by_role("button", name="Record the screening").click()
        expect(
            page.get_by_role("table", name="Each guiding principle, as the curators found it")
        ).to_be_visible()
        page.locator("#id_to").select_option("matching")
        page.get_by_role("button", name="Move the request").click()
        page.get_by_role("link", name="Matching: ranked partners and consortium").click()
        first = page.locator("ol.matches > li").first
        expect(first.get_by_role("heading")).to_contain_text("Réseau des travailleurs migrants")
        assert fits(page), "the matching page is wider than a 360 px phone"
        expect(first.get_by_role("table")).to_contain_text("Track record")
        page.locator("#id_size").select_option("3")
        page.get_by_role("button", name="Propose this consortium").click()
        expect(page.get_by_role("table", name="Members and what each brings")).to_be_visible()
        assert fits(page), "the request's page is wider than a 360 px phone"

    # the authority accepts: the partnership is registered and the members invited
    with Visit(browser, base, mayor.email) as page:
        page.goto(f"{base}/hub/requests/{slug}/")
        page.get_by_role(
            "button", name="Accept: register the partnership and invite the members"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert "/partnerships/" in page.url
        main = page.locator("main")
        for name in partners:
            expect(main).to_contain_text(name)
        page.goto(f"{base}/hub/requests/{slug}/")
        expect(page.locator("main")).to_contain_text("Accepted")
