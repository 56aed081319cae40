"""`{% practice_cards %}` (knowledge/templatetags/library.py): what a practice's card shows,
every value escaped, the text in its own language's direction."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from migrationhub.knowledge import selectors
from migrationhub.knowledge.models import Practice

from .factories import make_published

pytestmark = pytest.mark.django_db


def cards(practices, empty="None yet."):
    template = Template("{% load library %}{% practice_cards practices empty %}")
    return template.render(Context({"practices": practices, "empty": empty}))


def test_a_card_shows_the_practice_escaped(reference):
    practice = make_published(
        title='Recruitment <script>alert("x")</script>',
        summary=" ".join(f"w{n}<i>" for n in range(40)),
        levels=["national"],
    )
    practice.organisation.name = "Org & <Partners>"
    practice.organisation.save()
    Practice.objects.filter(pk=practice.pk).update(last_verified_at=dt.date(2000, 1, 1))
    # when
    html = cards(selectors.practice_cards())
    # then: escaped, the first thirty words, owner isolated, levels, the stale badge
    assert "<script>" not in html and "Recruitment &lt;script&gt;alert(&quot;x&quot;)" in html
    assert f'href="/practices/{practice.slug}/"' in html
    assert "w29&lt;i&gt; …</p>" in html and "w30" not in html
    assert "<bdi>Org &amp; &lt;Partners&gt;</bdi> · National" in html
    assert '<span class="badge-stale">Not verified for 24 months</span>' in html


def test_a_card_in_arabic_reads_right_to_left_and_no_card_shows_the_empty_item(reference):
    make_published(title="التوظيف العادل", language="ar")
    with translation.override("fr"):
        html = cards(selectors.practice_cards())
    assert '<h3 lang="ar" dir="rtl">' in html and "badge-stale" not in html
    assert cards([], empty="Rien <encore>") == "<li>Rien &lt;encore&gt;</li>"
