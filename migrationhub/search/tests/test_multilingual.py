"""Lexical search that degrades gracefully, in the six UN languages (ADR 0007), on whichever
database the suite runs on: any-word matching when few documents have every word, stemming and
stop words per language, script detection, suggestions instead of a dead end, and the top-k
ranking against exhaustive ranking."""

import itertools
import random

import pytest
from django.template.loader import render_to_string

from migrationhub.search import analysis, bitmaps, services, topk
from migrationhub.search.backends import backend_for
from migrationhub.search.faceted import Facet, FacetedSearch
from migrationhub.search.query import closest, edit_distance, parse
from migrationhub.search.selectors import search, spelling_suggestions

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)


def index(title: str, body: str = "", *, language: str = "en", kind: str = "practice", facets=None):
    return services.document_upsert(
        kind=kind,
        object_id=next(_ids),
        title=title,
        body=body,
        language=language,
        facets=facets or {},
    )


def titles(result) -> list[str]:
    return [hit.title_html.replace("<mark>", "").replace("</mark>", "") for hit in result.hits]


# -- any-word matching when few documents have every word ------------------------------------------


def test_a_long_need_finds_its_best_partial_matches_and_says_so():
    # given: no document has every word of the need; one is about exactly it
    tracing = index(
        "Restoring family links",
        "Tracing services help families find relatives missing along migration routes.",
    )
    index("Route-based approach to protection", "Services along the route.")
    index("Help desk for visa applicants", "We help applicants find forms.")
    index("Diaspora bonds", "Investment by the diaspora.")

    # when
    result = search("help families find a relative who went missing on the route", language="en")

    # then: partial matches, the one with the most (and rarest) words first, and no dead end
    assert result.match == "some"
    assert result.all_words == 0
    assert result.hits[0].document_id == tracing.pk
    assert result.total == 3  # the diaspora bonds have none of the words
    assert "went" in result.words and "the" not in result.words


def test_documents_with_more_of_the_words_rank_higher():
    # given: same length, one has three of the words, the other one of them
    one = index("Skills programme", "Skills for seasonal workers in agriculture and fisheries.")
    three = index("Skills programme", "Fair recruitment of seasonal workers and ethical fees.")

    # when
    result = search("fair ethical recruitment seasonal pensions", language="en")

    # then
    assert result.match == "some"
    assert [h.document_id for h in result.hits] == [three.pk, one.pk]


def test_a_single_word_is_never_relaxed():
    # given
    index("Remittances")

    # when
    result = search("xylophone")

    # then
    assert result.total == 0 and result.match == "all"


# -- stemming and stop words per language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "interface", "title", "language"),
    [
        ("recrutement éthique", "fr", "Recrutements éthiques des travailleurs domestiques", "fr"),
        ("recrutement éthique", "en", "Recrutements éthiques des travailleurs domestiques", "fr"),
        ("recrutement ethique", "fr", "Recrutements éthiques des travailleurs domestiques", "fr"),
        ("remesas", "es", "La remesa familiar en el corredor", "es"),
        ("remesas", "en", "La remesa familiar en el corredor", "es"),
        ("трудовые мигранты", "ru", "Защита трудовых мигрантов", "ru"),
        ("мигранту", "en", "Защита трудовых мигрантов", "ru"),
        ("المهاجرون", "ar", "حماية العمال المهاجرين", "ar"),
        ("هجرة", "en", "الهجرة النظامية", "ar"),
        ("remittances families", "en", "Remittance of a family to its village", "en"),
    ],
)
def test_inflections_find_each_other_in_each_language(query, interface, title, language):
    # given
    index(title, language=language)
    index("Consular assistance abroad")

    # when
    result = search(query, language=interface, match="all")

    # then
    assert titles(result) == [title]
    assert "<mark>" in result.hits[0].title_html


def test_english_stop_words_are_neither_indexed_nor_required():
    # given
    index("Recruitment of nurses", "The recruitment of nurses from the Philippines.")
    index("The one which was there", "It is what it is, and they are where they were.")

    # when
    with_stop_words = search("the recruitment of the nurses", language="en", match="all")
    only_stop_words = search("which was there", language="en", match="all")

    # then
    assert titles(with_stop_words) == ["Recruitment of nurses"]
    assert only_stop_words.total == 0
    assert analysis.index_text("The one which was there", "en") == "one"


def test_stop_words_follow_the_documents_language():
    # given: "les" is a French stop word, not an English one
    assert analysis.index_text("Les programmes", "fr") == "programm"
    assert analysis.index_text("Les programmes", "en") == "les programm"


def test_the_same_terms_are_indexed_for_both_databases():
    # given: what the engines receive is analysed text, tokens separated by spaces
    document = index("Трудовые мигранты 移民治理", "Éthique, remesas; 2030", language="fr")

    # when
    document.refresh_from_db()

    # then: plain tokens that FTS5's unicode61 and PostgreSQL's simple configuration keep whole
    assert document.title_terms == "трудов мигрант 移民 民治 治理"
    assert document.body_terms == "ethiqu remes 2030"
    assert all(analysis.WORD.fullmatch(t) for t in document.body_terms.split())


# -- script detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("الهجرة الآمنة", "ar"),
        ("трудовые мигранты", "ru"),
        ("移民治理", "zh"),
        ("le recrutement des travailleurs", "fr"),
        ("las remesas de los migrantes", "es"),
        ("the costs of remittances", "en"),
        ("remittances", None),  # one Latin word: no telling
        ("", None),
    ],
)
def test_the_language_of_a_query_is_detected_from_its_script_and_stop_words(text, language):
    assert analysis.detect_language(text) == language


def test_words_are_analysed_by_their_script_whatever_the_interface():
    # given: an English interface, a query mixing Arabic, Cyrillic, Chinese and Latin words
    parsed = parse("المهاجرين мигрантов 移民 remesas", "en")

    # then: Arabic and Russian stems, a Chinese pair, and a Latin word stemmed in the main
    # language (the interface's here: English, a prefix) and in French and Spanish (whole)
    assert [g.terms for g in parsed.groups] == [
        ("مهاجر",),
        ("мигрант",),
        ("移民",),
        ("remesa", "remes"),
    ]
    assert parsed.language in ("ar", "ru")  # the script with the most letters


def test_a_chinese_query_matches_pairs_of_characters_in_any_order_of_the_text():
    # given
    index("地方移民治理伙伴关系", language="zh")
    index("劳动力流动", language="zh")

    # when
    result = search("移民治理", language="zh")

    # then
    assert titles(result) == ["地方移民治理伙伴关系"]
    assert "<mark>移民治理</mark>" in result.hits[0].title_html


# -- suggestions instead of a dead end ------------------------------------------------------------------


def test_edit_distance_counts_transpositions_and_stops_past_the_limit():
    assert edit_distance("remitances", "remittances") == 1
    assert edit_distance("recriutment", "recruitment") == 1
    assert edit_distance("migration", "mitigation", limit=2) == 3
    assert closest("remitances", [("remittances", 5), ("remittance", 9), ("romances", 1)]) == [
        "remittances",
        "remittance",
    ]


def test_a_misspelled_query_gets_spelling_suggestions_from_the_index():
    # given
    index("Remittances through mobile wallets", "Lower remittance costs for families.")
    index("Recruitment of nurses")

    # when: neither word is in the index, nor the beginning of a word of it
    result = search("remmittances walets", language="en")
    suggestions = spelling_suggestions("remmittances walets", language="en")

    # then
    assert result.total == 0
    assert suggestions
    text, count = suggestions[0]
    assert text == "remittances wallets" and count == 1


def test_known_words_get_no_spelling_suggestion():
    index("Remittances through mobile wallets")
    assert spelling_suggestions("remittances", language="en") == []


LIST = FacetedSearch(
    kind="practice",
    facets=(Facet("objective", "Objective"), Facet("country", "Country")),
    load=lambda ids: {i: i for i in ids},
)


def test_a_search_that_finds_nothing_suggests_removing_each_filter():
    # given
    index("Remittances", facets={"objective": ["19"], "country": ["GHA"]})

    # when: the words match, the filters together do not
    result = LIST.run("remittances", {"objective": ["6"], "country": ["GHA"]})

    # then: without objective 6 it is found; without the country, still nothing
    assert result.total == 0
    broader = [(s.label, s.count, s.querystring) for s in result.broader]
    assert ("Objective: 6", 1, "q=remittances&country=GHA") in broader
    assert all("Country" not in label for label, _, _ in broader[:1])
    assert ("all filters", 1, "q=remittances") in broader
    assert result.meta()["suggestions"][0]["kind"] == "filter"


def test_the_shared_notice_shows_partial_matches_and_suggestions():
    # given
    index("Fair recruitment", facets={"objective": ["6"]})
    index("Ethical fees", facets={"objective": ["6"]})

    # when
    partial = LIST.run("fair fees", {})
    nothing = LIST.run("recruitmnet", {"objective": ["6"]})
    partial_html = render_to_string("search/_notice.html", {"result": partial})
    nothing_html = render_to_string("search/_notice.html", {"result": nothing})

    # then
    assert partial.some_words and partial.meta()["match"] == "some"
    assert "some of them" in partial_html
    assert nothing.total == 0
    assert 'href="?q=recruitment&amp;objective=6"' in nothing_html
    assert partial.meta()["all_words"] == 0


# -- top-k ranking against exhaustive ranking ------------------------------------------------------------


def _corpus(n: int, seed: int = 7) -> list[str]:
    """Documents of Zipf-distributed words, titles of 3-6 words, bodies of 20-60."""
    rng = random.Random(seed)
    vocabulary = [f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{i}x" for i in range(400)]
    weights = [1 / (1 + i) for i in range(len(vocabulary))]
    return [
        (
            " ".join(rng.choices(vocabulary, weights, k=rng.randint(3, 6))),
            " ".join(rng.choices(vocabulary, weights, k=rng.randint(20, 60))),
        )
        for _ in range(n)
    ], vocabulary


@pytest.fixture
def corpus(monkeypatch):
    from migrationhub.search.backends import base

    monkeypatch.setattr(base, "RANK_ALL", 50)
    monkeypatch.setattr(topk, "CHAMPIONS", 60)
    documents, vocabulary = _corpus(1500)
    services.documents_bulk_add(
        {"kind": "practice", "object_id": i, "title": t, "body": b}
        for i, (t, b) in enumerate(documents)
    )
    return vocabulary


def test_the_top_k_of_the_champions_is_the_exhaustive_top_k(corpus):
    # given: broad queries of 1-3 frequent words, each with far more matches than RANK_ALL
    from django.db import connection

    rng = random.Random(3)
    # (in 15% to 45% of the documents: bm25's idf is nil for words in more than half)
    queries = [" ".join(rng.sample(corpus[10:40], rng.randint(1, 2))) for _ in range(25)]
    backend = backend_for(connection)

    # when
    overlaps, newest = [], []
    for query in queries:
        result = search(query, limit=20, language="en")
        if result.total <= 50:  # every match scored: nothing to compare
            continue
        parsed = parse(query, "en")
        reference = backend.exhaustive(parsed, 20)
        overlaps.append(topk.overlap([h.document_id for h in result.hits], reference))
        matches = backend.match_ids(backend.all_expression(parsed))
        newest.append(topk.overlap(bitmaps.descending(matches, 0, 20), reference))

    # then: the champions hold the exhaustive top 20; ranking the newest matches would not
    assert len(overlaps) >= 15
    assert sum(overlaps) / len(overlaps) >= 0.9
    assert sum(newest) / len(newest) < 0.5


def test_champion_lists_follow_updates_and_deletions(monkeypatch):
    # given: lists of two
    from migrationhub.search.models import Term

    monkeypatch.setattr(topk, "CHAMPIONS", 2)
    weak = index("Programme", "Return once among many other words of other things.")
    strong = index("Return", "Return and return.")
    middle = index("Programme", "Return and return.")

    def champions():
        return [i for _, i in topk.decode(Term.objects.get(term="return").champions)]

    # then: the two strongest
    assert champions() == [strong.pk, middle.pk]
    assert Term.objects.get(term="return").documents == 3

    # when: the strongest loses the word, then the middle one is deleted
    services.document_upsert(kind="practice", object_id=strong.object_id, title="Other", body="")
    services.document_delete(kind="practice", object_id=middle.object_id)

    # then: both left the list, which is not refilled until the terms are rebuilt
    assert champions() == []
    assert Term.objects.get(term="return").documents == 1
    services.terms_rebuild()
    assert champions() == [weak.pk]
