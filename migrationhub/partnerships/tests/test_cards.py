"""`{% partnership_cards %}` and `{% partnership_results %}` (partnerships_tags): what a
partnership's card and search result show, every value escaped."""

import pytest
from django.template import Context, Template
from django.utils import translation

from migrationhub.partnerships import selectors

from .factories import make_org, make_partnership

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load partnerships_tags %}" + source).render(Context(context))


def test_a_card_shows_the_partnership_escaped(reference):
    p = make_partnership(name="Fair <b>recruitment</b> & more", language="ar")
    html = render("{% partnership_cards cards %}", cards=selectors.partnerships_for_objective(6))
    assert "<b>" not in html and "Fair &lt;b&gt;recruitment&lt;/b&gt; &amp; more" in html
    assert f'<h3 lang="ar" dir="rtl"><a href="/partnerships/{p.slug}/">' in html
    assert f"Scorecard {p.score}/100 · Active</p>" in html
    assert '<span class="light light-green">' in html
    assert render("{% partnership_cards cards 'None <yet>' %}", cards=[]) == (
        "<li>None &lt;yet&gt;</li>"
    )


def test_a_result_shows_its_highlighted_title_lead_and_objectives(reference):
    lead = make_org(name="Union <of> workers")
    p = make_partnership(name="Seasonal workers' scheme", lead=lead, objectives=[6, 2])
    result = selectors.partnership_search("seasonal", {})
    with translation.override("fr"):
        html = render("{% partnership_results items %}", items=result.page.items)
        empty = render("{% partnership_results items %}", items=[])
    assert f'href="/fr/partnerships/{p.slug}/"><mark>Seasonal</mark>' in html
    assert "<bdi>Union &lt;of&gt; workers</bdi>" in html
    assert "<li>Objectif 2</li><li>Objectif 6</li>" in html
    assert empty.startswith("  <li>") and "partenariat" in empty
