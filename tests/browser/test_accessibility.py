"""Automated accessibility checks: axe-core on every page, a 390px-wide phone, page weight.

axe-core (shipped by `axe-core-python`) finds what a machine can find: missing labels, low
contrast, landmarks, heading order, languages. Serious and critical violations of WCAG 2 A and AA
fail the test. Our pages forbid inline scripts (CSP), so the contexts here bypass CSP to inject it.
"""

import gzip
import json
from pathlib import Path

import axe_core_python
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(axe_core_python.__file__).parent / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
MAX_GZIP_BYTES = 100 * 1024
PASSWORD = "a long enough passphrase 42"


def public_pages() -> dict[str, str]:
    """Every public page, by name, with the path that shows it with real content."""
    from migrationhub.knowledge.models import Practice
    from migrationhub.organisations.models import Organisation

    practice = Practice.objects.filter(status=Practice.PUBLISHED).order_by("slug").first()
    organisation = Organisation.objects.order_by("slug").first()
    return {
        "home": "/",
        "practice list": "/practices/?q=recruitment&objective=6",
        "practice detail": f"/practices/{practice.slug}/",
        "organisation list": "/organisations/",
        "organisation detail": f"/organisations/{organisation.slug}/",
        "objective list": "/objectives/",
        "objective detail": "/objectives/6/",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "about": "/about/",
        "Arabic home": "/ar/",
        # English content inside Arabic pages: its own lang and dir (and valid lang codes)
        "Arabic practice list": "/ar/practices/",
        "Arabic practice detail": f"/ar/practices/{practice.slug}/",
        "Arabic objective list": "/ar/objectives/",
        # the partnership registry, with the demo's partnerships and pledges
        "partnership list": "/partnerships/?q=diaspora&level=global",
        "partnership detail": "/partnerships/24-hour-dialogue-initiative/",
        "partnership with members": "/partnerships/migration-and-development-conference-brussels-2006/",
        "partnership history": "/partnerships/ghanacoop/history/",
        "about the scorecard": "/partnerships/scorecard/",
        "pledge list": "/partnerships/pledges/",
        "pledge detail": "/partnerships/pledges/iris-standards-certification-monitoring/",
        "Arabic partnership list": "/ar/partnerships/",
        # the evidence library
        "evidence list": "/practices/?kind=evidence",
        # the review of the Compact, on the demo's registry
        "review coverage": "/review/",
        "review gaps": "/review/gaps/",
        "review network": "/review/network/",
        "review trends": "/review/trends/",
        "country report": "/review/countries/GHA/",
        "region report": "/review/regions/002/",
        "Arabic review coverage": "/ar/review/",
        # the connection hub and the start-up fund
        "connection hub": "/hub/",
        "offers board": "/hub/offers/",
        "fund financial table": "/fund/",
        "fund proposals": "/fund/proposals/",
        "fund ledger": "/fund/ledger/",
        "fund portfolio": "/fund/portfolio/",
        "Arabic fund": "/ar/fund/",
    }


def make_signed_in_user() -> tuple[str, dict[str, str]]:
    """A platform admin who is also a reviewer and a member of an organisation, and the pages
    they use, each showing its full content: their e-mail and {name: path}."""
    from allauth.account.models import EmailAddress

    from migrationhub.accounts.services import user_create
    from migrationhub.knowledge import services as knowledge
    from migrationhub.organisations.services import OrganisationFields, organisation_create

    def person(email, **fields):
        user = user_create(email=email, password=PASSWORD, **fields)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def organisation(admin, name):
        fields = OrganisationFields(name=name, stakeholder_type="civil-society", level="local")
        return organisation_create(actor=admin, fields=fields)

    user = person("ada@example.org", display_name="Ada", is_staff=True, reviewer_role="internal")
    organisation(user, "Test Migrants Network")
    # also a fund manager and a hub curator: the forms of those roles
    from migrationhub.accounts.services import fund_role_set, hub_curator_grant

    fund_role_set(actor=user, user=user, role="manager")
    hub_curator_grant(actor=user, user=user)
    # A practice of another organisation, with an incomplete panel on which `user` has yet to
    # declare: its page shows the assignment and the declaration forms.
    member = person("mina@example.org")
    practice = knowledge.practice_create(
        actor=member,
        organisation=organisation(member, "Care Workers Alliance"),
        fields=knowledge.PracticeFields(
            title="Zero-fee recruitment corridor",
            summary="Employers pay every recruitment cost.",
            body="Licensed agencies may not charge workers any fee.",
            objectives=[6],
            levels=["national"],
        ),
        submit=True,
    )
    for reviewer in (user, person("ezra@example.org", reviewer_role="external")):
        knowledge.review_assign(actor=user, practice=practice, reviewer=reviewer)
    person("eva@example.org", reviewer_role="external")  # still to assign
    pages = {
        "submit form": "/practices/new/",
        "my work": "/practices/mine/",
        "review queue": "/practices/review/",
        "account": "/account/",
        "practice in review": f"/practices/{practice.slug}/",
        "partnership registration form": "/partnerships/new/",
        "partnership invitations": "/partnerships/invitations/",
        "support request form": "/hub/requests/new/",
        "offer form": "/hub/offers/new/",
        "my hub requests": "/hub/mine/",
        "contribution form": "/fund/contributions/new/",
    }
    return user.email, pages


@pytest.fixture
def phone(browser, live_server, reference):
    """A 390px-wide page whose CSP is bypassed, so that axe-core can be injected."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def open_page(page, name: str, path: str) -> None:
    response = page.goto(page.base_url + path)
    assert response.ok, f"{name} ({path}) answered {response.status}"


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2 A/AA violations on the current page."""
    page.add_script_tag(path=AXE_JS)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      {json.dumps(node['target'])} {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("        " + node["failureSummary"].replace("\n", "\n        "))
    return "\n".join(lines)


def axe_report(page, pages: dict[str, str]) -> str:
    """The violations found on each page, as text; empty when there are none."""
    problems = []
    for name, path in pages.items():
        open_page(page, name, path)
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name} ({path}):\n{describe(violations)}")
    return "\n".join(problems)


def overflows(page, pages: dict[str, str]) -> dict[str, int]:
    """By how many CSS pixels each page that scrolls sideways is wider than the viewport."""
    found = {}
    for name, path in pages.items():
        open_page(page, name, path)
        extra = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if extra > 0:
            found[f"{name} ({path})"] = extra
    return found


def page_weight(browser, url: str) -> int:
    """Gzipped bytes of the HTML, CSS and JavaScript a first visit to `url` fetches."""
    context = browser.new_context(viewport=PHONE)  # a new context: an empty cache
    fetched = []
    context.on(
        "response",
        lambda r: (
            fetched.append(r)
            if r.request.resource_type in {"document", "stylesheet", "script"}
            else None
        ),
    )
    try:
        context.new_page().goto(url, wait_until="load")
        return sum(len(gzip.compress(r.body(), 6)) for r in fetched)
    finally:
        context.close()


def test_public_pages_have_no_serious_accessibility_violations(phone, demo_data):
    # given the demo content
    # when axe-core checks every public page
    problems = axe_report(phone, public_pages())
    # then none has a serious or critical violation of WCAG 2 A or AA
    assert not problems, "Accessibility violations:\n" + problems


def test_signed_in_pages_have_no_serious_accessibility_violations(phone, demo_data):
    # given a signed-in platform admin, reviewer and organisation member
    email, pages = make_signed_in_user()
    sign_in(phone, email)
    # when axe-core checks the pages they use
    problems = axe_report(phone, pages)
    # then
    assert not problems, "Accessibility violations:\n" + problems


def test_every_page_fits_a_390px_wide_phone(page, demo_data):
    # given a phone 390px wide (the `page` fixture), with our CSP in force as for every visitor
    email, signed_in_pages = make_signed_in_user()
    # when every public page, then every signed-in page, is opened
    wide = overflows(page, public_pages())
    sign_in(page, email)
    wide |= overflows(page, signed_in_pages)
    # then none scrolls sideways
    assert not wide, f"Pages wider than {page.viewport_size['width']}px: {wide}"


def test_public_pages_weigh_at_most_100_kb_gzipped(browser, live_server, demo_data):
    # given the demo content
    pages = public_pages()
    # when each public page is opened from an empty cache
    weights = {name: page_weight(browser, live_server.url + path) for name, path in pages.items()}
    # then its HTML, CSS and JavaScript together stay under 100 KB gzipped
    heavy = {name: size for name, size in weights.items() if size > MAX_GZIP_BYTES}
    assert not heavy, f"Pages over {MAX_GZIP_BYTES} bytes gzipped: {heavy} (all: {weights})"
