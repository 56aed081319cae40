"""Issue 17 in a real browser: a visitor opens the coverage page, follows a gap to its region,
opens a country's report and downloads it as a PDF, in English and then in Arabic; the test reads
the PDFs' text."""

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_text(path) -> str:
    with open(path, "rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_from_coverage_to_a_gap_to_a_country_report_as_pdf(page, reference):
    from migrationhub.review.tests.factories import make_registry

    registry = make_registry()
    base = page.base_url
    # the coverage page: a heat map with its table
    page.goto(base + "/review/")
    expect(page.get_by_role("heading", name="Coverage of the Global Compact")).to_be_visible()
    expect(page.locator("svg.heat-map")).to_be_visible()
    expect(page.locator("table caption").first).to_be_visible()
    # every gap, for objective 6: Senegal's corner of Western Africa lacks it at the local level
    page.get_by_role("link", name="Every gap").click()
    page.get_by_label("GCM objective").select_option("6")
    page.get_by_label("Governance level").select_option("local")
    page.get_by_role("button", name="Find gaps").click()
    expect(page).to_have_url(re.compile(r"objective=6"))
    page.get_by_role("link", name="Western Africa").first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Regional review: Western Africa"))
    ).to_be_visible()
    # the region's countries lead to Senegal's report
    page.get_by_role("link", name="Senegal", exact=True).click()
    expect(page.get_by_role("heading", name="Review of Senegal")).to_be_visible()
    expect(page.get_by_role("link", name=registry.senegal.name)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    text = _pdf_text(download.value.path())
    assert "Review of Senegal" in text and registry.senegal.name in text
    # the same report in Arabic
    page.locator('nav.lang a[lang="ar"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_download() as download:
        page.locator('a[href$="report.pdf"]').click()
    text = _pdf_text(download.value.path())
    assert "السنغال" in text
    assert registry.senegal.name in text
