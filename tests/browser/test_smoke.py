"""The home page renders in a real browser; Arabic renders right to left, and content written in
another language keeps its own direction inside it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def direction(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_home_page_in_english_and_arabic(page, demo_data):
    # given the demo content
    # when a visitor opens the home page
    page.goto(page.base_url + "/")
    # then
    assert page.locator("h1").first.is_visible()
    assert page.get_attribute("html", "dir") == "ltr"
    page.goto(page.base_url + "/ar/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert direction(page.locator("h1").first) == "rtl"


def test_english_practice_title_is_left_to_right_on_an_arabic_page(page, demo_data):
    # given the demo practices, written in English
    # when a visitor opens the Arabic home page and the Arabic search page
    for path, title in [
        ("/ar/", ".cards h3[lang=en]"),
        ("/ar/practices/", "#search-results h2[lang=en]"),
    ]:
        page.goto(page.base_url + path)
        heading = page.locator(title).first
        # then an English title is laid out left to right inside the right-to-left page
        assert heading.get_attribute("lang") == "en", path
        assert direction(heading) == "ltr", path
        assert direction(heading.locator("a")) == "ltr", path
        assert direction(page.locator("main")) == "rtl", path
