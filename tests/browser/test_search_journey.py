"""Issue 15 in a real browser: an Arabic query finds the English practice that meets it, and the
kind facet narrows the list to the evidence library. With the production sentence model (the
second of the two tests that load it)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(reference, settings):
    """The demo practices and the first 120 evaluations, with their vectors (computed by the
    background task as each import commits, as in `make run`)."""
    from django.utils import translation

    from migrationhub.knowledge.demo import load_demo
    from migrationhub.knowledge.importers import (
        EVIDENCE_SOURCE,
        EvidenceReader,
        evidence_file,
        evidence_rows,
    )
    from migrationhub.knowledge.services import evidence_import
    from migrationhub.search.services import vectors_missing
    from migrationhub.taxonomy.selectors import country_labels

    settings.MIGRATIONHUB_EMBEDDER = "use"
    load_demo()
    with translation.override("en"):
        reader = EvidenceReader(country_labels())
    rows = evidence_rows(evidence_file().read_bytes())[:120]
    evidence_import(actor=None, records=rows, convert=reader, source=EVIDENCE_SOURCE)
    assert vectors_missing() == []


def results(page):
    expect(page.locator("#practice-search.htmx-request")).to_have_count(0)
    return page.locator("#search-results ol.results > li")


def test_an_arabic_need_finds_the_english_practice_and_the_kind_facet_works(page, library):
    # when a visitor types a need in Arabic: "help families find missing relatives"
    page.goto(page.base_url + "/practices/")
    page.get_by_label("Search practices").fill("مساعدة الأسر في العثور على أقارب مفقودين")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    # then the English practice that meets it is among the first results, though it shares no word
    first = results(page).locator("h2 a").first
    expect(first).to_have_text(re.compile("Geolocation apps for families of migrants"))

    # when they search a topic and keep only the evaluations
    page.get_by_label("Search practices").fill("recruitment")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=recruitment"))
    kind = page.get_by_role("group", name="Kind", exact=True)
    evidence = kind.get_by_role("checkbox", name=re.compile("Evaluations"))
    count = int(kind.locator("label").filter(has_text="Evaluations").locator(".count").inner_text())
    evidence.check()
    page.get_by_role("button", name="Apply filters", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]kind=evidence"))
    # then every result is an evaluation, as many as the facet said
    expect(results(page)).to_have_count(min(count, 20))
    for badge in results(page).locator(".meta .badge-status").all():
        expect(badge).to_have_text("Evaluation")
    # and an evaluation's page says which objectives are machine-suggested
    results(page).locator("h2 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="GCM objectives")).to_be_visible()
