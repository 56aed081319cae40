"""The home page renders in a real browser, and Arabic renders right to left."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
