"""On an Arabic page, a practice written in English is laid out left to right, in English."""

import re

import pytest

from migrationhub.knowledge import services
from migrationhub.knowledge.tests.factories import make_practice, make_published

pytestmark = pytest.mark.django_db

TITLE = "Fair recruitment (pilot): employers pay!"


def test_english_practice_on_the_arabic_search_page_keeps_its_language(reference, client):
    # given a published practice written in English
    make_published(title=TITLE)
    # when the Arabic search page lists it
    page = client.get("/ar/practices/").content.decode()
    # then its title element says it is English, laid out left to right
    heading = re.search(rf'<h2 ([^>]*)><a href="[^"]+">{re.escape(TITLE)}</a></h2>', page)
    assert heading and heading.group(1) == 'lang="en" dir="ltr"'
    assert re.search(r'<html lang="ar" dir="rtl"', page)


def test_english_practice_page_in_arabic(reference, client):
    practice = make_published(title=TITLE)
    page = client.get(f"/ar/practices/{practice.slug}/").content.decode()
    assert '<h1 lang="en" dir="ltr">' in page
    assert '<p class="lead" lang="en" dir="ltr">' in page
    # the organisation, whose language is not known, takes its direction from its name
    assert re.search(r'<a href="/ar/organisations/[^"]+/" dir="auto">', page)


def test_arabic_translation_is_right_to_left_on_an_english_page(reference, client):
    # given a practice in English with an Arabic translation (written before it is submitted)
    practice = make_practice()
    services.translation_upsert(
        actor=practice.created_by,
        practice=practice,
        language="ar",
        title="التوظيف المنصف",
        summary="شراكة بين أصحاب العمل والنقابات.",
    )
    # when its author reads the translation on the English page
    client.force_login(practice.created_by)
    page = client.get(f"/practices/{practice.slug}/?lang=ar").content.decode()
    # then the translation is Arabic, right to left
    assert '<h1 lang="ar" dir="rtl">التوظيف المنصف</h1>' in page
