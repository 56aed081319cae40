"""The one search service, pinned on whichever database the suite runs on (SQLite and PostgreSQL).

Documents go in through `search.services` directly: the search app is generic and knows nothing
about practices or organisations.
"""

import datetime as dt
import itertools

import pytest

from migrationhub.search import services
from migrationhub.search.selectors import search

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)


def index(title: str, body: str = "", *, kind: str = "practice", facets=None, sort_date=None):
    return services.document_upsert(
        kind=kind,
        object_id=next(_ids),
        title=title,
        body=body,
        sort_date=sort_date,
        facets=facets or {},
    )


def titles(result) -> list[str]:
    return [hit.title_html.replace("<mark>", "").replace("</mark>", "") for hit in result.hits]


# -- ranking -----------------------------------------------------------------------------------


def test_a_title_match_outranks_a_body_match():
    # given: the title match sits between two body matches, so neither oldest-first nor
    # newest-first order would put it first
    index("Skills partnership", "Diaspora remittances fund local schools and clinics.")
    title_match = index("Remittances through mobile wallets", "A pilot with two operators.")
    index("Health partnership", "Diaspora remittances fund local clinics and schools.")

    # when
    result = search("remittances")

    # then
    assert result.hits[0].document_id == title_match.pk
    assert result.hits[0].score > max(hit.score for hit in result.hits[1:])


def test_more_matching_terms_in_the_title_rank_higher():
    # given: all three contain both words; only the middle one has both in its title
    index("Fair labour inspection", "A recruitment code of conduct agreed with employers.")
    both = index("Fair recruitment corridor", "A labour inspection partnership with employers.")
    index("Fair labour standards", "A recruitment code of practice agreed with employers.")

    # when
    result = search("fair recruitment")

    # then
    assert result.total == 3
    assert result.hits[0].document_id == both.pk


def test_a_document_mentioning_a_term_more_often_ranks_higher():
    # given: three bodies of about the same length; the middle one says "returnees" three times
    index("Programme A", "Support for returnees in the north and the south of the country.")
    often = index("Programme B", "Returnees counsel returnees and returnees open businesses.")
    index("Programme C", "Support for returnees in the east and the west of the country.")

    # when
    result = search("returnees")

    # then
    assert result.hits[0].document_id == often.pk


# -- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("recruit", "Ethical recruitment of nurses"),
        # stemming alone would not find these: "migra" and "remit" are not stems of the words
        ("migra", "Labour migration statistics"),
        ("remit", "Remittances through mobile wallets"),
    ],
)
def test_a_word_prefix_finds_longer_words(query, text):
    # given
    index(text)
    index("Consular assistance")

    # when
    result = search(query)

    # then
    assert titles(result) == [text]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("migrants", "Services for every migrant worker"),
        ("recruiters", "Recruiting through public employment services"),
        ("recruiting", "Licensing of private recruiters"),
    ],
)
def test_inflected_words_find_each_other(query, text):
    # given
    index(text)
    index("Consular assistance abroad")

    # when
    result = search(query)

    # then
    assert titles(result) == [text]


def test_documents_with_every_word_lead_and_few_of_them_bring_in_the_others():
    # given: one document with both words, two with one of them
    index("Fair visa fees for students")
    both = index("Fair recruitment of seasonal workers")
    index("Seasonal visa scheme")

    # when
    result = search("fair seasonal")
    strict = search("fair seasonal", match="all")

    # then: fewer than FEW have every word, so those with some follow, and the result says so
    assert result.hits[0].document_id == both.pk
    assert result.total == 3 and result.match == "some" and result.all_words == 1
    assert titles(strict) == ["Fair recruitment of seasonal workers"]
    assert strict.total == 1 and strict.match == "all"


def test_with_enough_documents_having_every_word_only_they_match():
    # given: FEW documents with both words, and others with one
    from migrationhub.search.backends.base import FEW

    for n in range(FEW):
        index(f"Fair recruitment of seasonal workers {n}")
    index("Fair visa fees for students")
    index("Seasonal visa scheme")

    # when
    result = search("fair seasonal")

    # then
    assert result.total == FEW and result.match == "all"
    assert all("seasonal" in t.lower() and "fair" in t.lower() for t in titles(result))


def test_query_syntax_characters_are_taken_as_words():
    # given: characters that mean something to FTS5 or tsquery
    index("Return and reintegration", "Assisted voluntary return.")

    # when
    result = search('return" OR NEAR(x) -reintegration* & !:*', match="all")

    # then: no error; the words are just words (here "near", "x" are not in the text; "or" is a
    # stop word)
    assert result.total == 0
    assert search('return" OR NEAR(x) -reintegration* & !:*').match == "some"
    assert search("return -reintegration*").total == 1


def test_accents_are_folded_on_both_sides():
    # given
    index("Intégration des migrants à Genève")

    # when
    result = search("integration geneve")

    # then
    assert result.total == 1


# -- snippets ----------------------------------------------------------------------------------


def test_matches_are_marked_in_the_title_and_the_snippet():
    # given
    index("Remittance costs", "Lowering remittance costs in the corridor to Ghana.")

    # when
    hit = search("remittance").hits[0]

    # then
    assert hit.title_html == "<mark>Remittance</mark> costs"
    assert "<mark>remittance</mark>" in hit.snippet_html
    assert "Ghana" in hit.snippet_html


def test_html_in_documents_comes_back_escaped():
    # given
    index(
        "Remittances <b>now</b>",
        'Remittances <script>alert("x")</script> & mobile money for "families".',
    )

    # when
    hit = search("remittances").hits[0]

    # then: the only markup is ours; the document's own comes back escaped (PostgreSQL's
    # snippets drop tags altogether, SQLite's keep them as text)
    snippet = hit.snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in snippet and ">" not in snippet and '"' not in snippet
    assert "&amp; mobile money" in snippet and "&quot;families" in snippet
    assert hit.title_html == "<mark>Remittances</mark> &lt;b&gt;now&lt;/b&gt;"
    assert hit.snippet_html.startswith("<mark>Remittances</mark>")


def test_a_document_without_a_match_in_the_body_still_gets_a_snippet():
    # given
    index("Remittances", "Mobile wallets for families in rural districts.")

    # when
    hit = search("remittances").hits[0]

    # then
    assert "Mobile wallets" in hit.snippet_html


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "ar"])
def test_snippets_cut_by_words_equal_those_cut_by_positions(language):
    """Text without CJK characters is cut by one `re.split` (`Marker.snippet`); the positions'
    path, which CJK text takes, must give the same snippet and title for every text."""
    import random

    from migrationhub.search.query import Marker, parse

    vocabulary = {
        "en": "Migrant workers recruitment fees remittances families. Diaspora\nbonds, "
        "fair recruiters! housing? data privacy-by-design rights",
        "fr": "Travailleurs migrants recrutement éthique frais. Transferts\nfamilles, "
        "diaspora! données? équité",
        "es": "Trabajadores migrantes remesas familias. Contratación\nequitativa, costos! "
        "datos? diáspora",
        "ru": "Трудовые мигранты денежные переводы семьи. Найм\nработников, права! данные?",
        "ar": "العمال المهاجرين التحويلات المالية الأسر. التوظيف\nالعادل، حقوق! بيانات؟ الْهِجْرَةُ",
    }[language]
    pieces = [w for w in vocabulary.replace("\n", " \n ").split(" ") if w]
    rng = random.Random(language)
    queries = [" ".join(rng.sample(pieces, k)) for k in (1, 2, 3)] + ["nothingmatches"]
    for n in range(60):
        text = (
            rng.choice(["", " ", "... "])
            + " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 90)))
            + rng.choice(["", ".", " \n"])
        )
        marker = Marker(parse(queries[n % len(queries)]), language)
        for words in (30, 5):
            assert marker.snippet(text, words) == marker._snippet_of_spans(text, words), text
        assert marker.highlight(text) == _highlight_by_positions(marker, text), text


def _highlight_by_positions(marker, text):
    import unicodedata

    from migrationhub.search import analysis, query

    text = unicodedata.normalize("NFC", text)
    spans = analysis.spans(text)
    return query._mark(text, spans, [bool(k) for k in marker.keys(spans)], 0, len(text))


# -- facets and filters ------------------------------------------------------------------------


def test_facet_counts_cover_every_match_not_just_the_page():
    # given: 25 matching documents, 5 of them on objective 19
    for n in range(25):
        index(f"Diaspora investment {n}", facets={"objective": ["19" if n < 5 else "6"]})
    index("Unrelated", facets={"objective": ["6"]})

    # when
    result = search("diaspora", facets=["objective"], limit=10)

    # then
    assert len(result.hits) == 10
    assert result.total == 25
    assert result.facets == {"objective": [("6", 20), ("19", 5)]}


def test_facet_counts_are_ordered_by_count_then_value():
    # given
    index("A", facets={"country": ["PHL", "GHA"], "level": ["local"]})
    index("B", facets={"country": ["GHA"], "level": ["local"]})
    index("C", facets={"country": ["MEX"], "level": ["national"]})

    # when
    result = search("", facets=["country", "level"])

    # then
    assert result.facets == {
        "country": [("GHA", 2), ("MEX", 1), ("PHL", 1)],
        "level": [("local", 2), ("national", 1)],
    }


def test_filters_are_or_within_a_facet_and_and_across_facets():
    # given
    index("Bonds", facets={"objective": ["19"], "country": ["GHA"]})
    index("Recruitment", facets={"objective": ["6"], "country": ["PHL"]})
    index("Data", facets={"objective": ["1"], "country": ["PHL"]})

    # when
    either = search("", filters={"objective": ["6", "19"]})
    both = search("", filters={"objective": ["6", "19"], "country": ["PHL"]})
    none = search("", filters={"objective": ["19"], "country": ["PHL"]})

    # then
    assert sorted(titles(either)) == ["Bonds", "Recruitment"]
    assert titles(both) == ["Recruitment"]
    assert none.total == 0 and none.hits == []


def test_facet_counts_respect_the_filters():
    # given
    index("Remittances A", facets={"objective": ["19"], "country": ["GHA"]})
    index("Remittances B", facets={"objective": ["20"], "country": ["GHA", "SEN"]})
    index("Remittances C", facets={"objective": ["20"], "country": ["PHL"]})

    # when
    result = search("remittances", filters={"country": ["GHA"]}, facets=["objective", "country"])

    # then
    assert result.total == 2
    assert result.facets["objective"] == [("19", 1), ("20", 1)]
    assert result.facets["country"] == [("GHA", 2), ("SEN", 1)]


def test_a_facet_without_matches_comes_back_empty():
    # given
    index("Remittances", facets={"objective": ["19"]})

    # when
    result = search("remittances", facets=["objective", "region"])

    # then
    assert result.facets == {"objective": [("19", 1)], "region": []}


def test_kinds_restrict_the_documents_searched():
    # given
    index("Migrant resource centre", kind="practice")
    index("Migrant resource centre network", kind="organisation")

    # when
    practices = search("migrant", kinds=["practice"])
    everything = search("migrant")

    # then
    assert [h.kind for h in practices.hits] == ["practice"]
    assert practices.total == 1
    assert everything.total == 2


# -- pages and order ---------------------------------------------------------------------------


def test_pages_follow_each_other_without_overlap():
    # given
    for n in range(7):
        index(f"Labour mobility {n}", "labour " * (n + 1))

    # when
    pages = [search("labour", limit=3, offset=offset) for offset in (0, 3, 6)]

    # then
    ids = [h.document_id for page in pages for h in page.hits]
    assert [len(page.hits) for page in pages] == [3, 3, 1]
    assert len(set(ids)) == 7
    assert all(page.total == 7 for page in pages)
    assert ids == [h.document_id for h in search("labour", limit=7).hits]


def test_an_empty_query_lists_everything_newest_first():
    # given
    index("Older", sort_date=dt.date(2019, 1, 1))
    index("Newest", sort_date=dt.date(2024, 6, 1))
    index("Middle", sort_date=dt.date(2021, 3, 1))

    # when
    result = search("   ")

    # then
    assert titles(result) == ["Newest", "Middle", "Older"]
    assert result.total == 3


def test_a_query_without_matches_is_empty():
    # given
    index("Remittances")

    # when
    result = search("xylophone", facets=["objective"])

    # then
    assert result.total == 0 and result.hits == [] and result.facets == {"objective": []}


# -- Chinese, Japanese, Korean -----------------------------------------------------------------


def test_a_chinese_run_of_three_or_more_characters_is_found():
    # given
    index("移民治理的地方伙伴关系", "城市与移民组织合作。")
    index("劳动力流动", "季节性工人的公平招聘。")

    # when
    result = search("移民治理")

    # then
    assert result.total == 1
    assert result.hits[0].title_html.startswith("<mark>移民治理</mark>")


def test_a_two_character_chinese_run_is_found():
    # given
    index("劳动力流动", "季节性工人的公平招聘。")
    index("地方伙伴关系", "城市与移民组织合作。")

    # when
    result = search("招聘")

    # then
    assert titles(result) == ["劳动力流动"]
    assert "<mark>招聘</mark>" in result.hits[0].snippet_html


def test_chinese_and_latin_terms_combine():
    # given
    index("IOM 移民治理", "Migration governance")
    index("移民治理", "Local partnerships")

    # when
    result = search("移民治理 migration")

    # then: the one with both first; the other has some of the words
    assert titles(result) == ["IOM 移民治理", "移民治理"]
    assert result.all_words == 1
    assert titles(search("移民治理 migration", match="all")) == ["IOM 移民治理"]


# -- keeping the index in step -----------------------------------------------------------------


def test_an_upsert_replaces_the_text_and_the_facets():
    # given
    index("Seasonal workers scheme", facets={"objective": ["6"]})
    document = services.document_upsert(
        kind="practice",
        object_id=999,
        title="Diaspora bonds",
        body="",
        facets={"objective": ["19"]},
    )

    # when
    services.document_upsert(
        kind="practice",
        object_id=999,
        title="Seasonal remittance accounts",
        body="",
        facets={"objective": ["20"]},
    )

    # then
    assert search("diaspora").total == 0
    seasonal = search("seasonal", facets=["objective"])
    assert seasonal.total == 2
    assert seasonal.facets["objective"] == [("20", 1), ("6", 1)]
    assert {h.document_id for h in seasonal.hits} >= {document.pk}


def test_a_deleted_document_leaves_the_index_and_the_counts():
    # given
    index("Diaspora bonds", facets={"objective": ["19"]})
    services.document_upsert(
        kind="organisation",
        object_id=5,
        title="Diaspora council",
        body="",
        facets={"objective": ["19", "20"]},
    )

    # when
    services.document_delete(kind="organisation", object_id=5)

    # then: gone from text matches, from listings, and from every count
    result = search("diaspora", facets=["objective"])
    assert titles(result) == ["Diaspora bonds"]
    assert result.total == 1
    assert result.facets["objective"] == [("19", 1)]
    assert search("council").total == 0
    everything = search("", facets=["objective"])
    assert everything.total == 1
    assert everything.facets["objective"] == [("19", 1)]
    assert search("", kinds=["organisation"]).total == 0


def test_bulk_added_documents_are_searchable_with_their_facets():
    # given
    rows = [
        {
            "kind": "practice",
            "object_id": 10_000 + n,
            "title": f"Border management {n}",
            "body": "Integrated border management.",
            "sort_date": dt.date(2020, 1, 1 + n),
            "facets": {"level": ["regional" if n % 2 else "national"]},
        }
        for n in range(5)
    ]

    # when
    added = services.documents_bulk_add(rows, batch_size=2)

    # then
    assert added == 5
    result = search("border", facets=["level"])
    assert result.total == 5
    assert result.facets["level"] == [("national", 3), ("regional", 2)]
    assert titles(search(""))[0] == "Border management 4"


# -- broad queries: the champions of the query's terms are ranked --------------------------------


@pytest.fixture
def small_lists(monkeypatch):
    """Score everything up to 4 matches; past that, candidates from champion lists of 2."""
    from migrationhub.search import topk
    from migrationhub.search.backends import base

    monkeypatch.setattr(base, "RANK_ALL", 4)
    monkeypatch.setattr(topk, "CHAMPIONS", 2)


def test_past_rank_all_the_strongest_matches_rank_first_whatever_their_age(small_lists):
    # given: an old title match and an old strong body match, then newer weak body matches
    title = index("Return migration", "Counselling.")
    strong = index("Programme", "Return, return and return again.")
    newer = [
        index(f"New {n}", "Return once, among many other words about other things.")
        for n in range(4)
    ]

    # when
    result = search("return", limit=10)

    # then: the champions of "return" (the title match and the strong body match) are ranked
    # first, though older than every other match; then the rest, newest first
    assert result.total == 6
    assert [h.document_id for h in result.hits[:2]] == [title.pk, strong.pk]
    assert [h.document_id for h in result.hits[2:]] == [d.pk for d in reversed(newer)]


def test_pages_past_the_candidates_continue_without_overlap(small_lists):
    # given
    documents = [index(f"Labour mobility {n}", "labour " * (n % 3 + 1)) for n in range(9)]

    # when
    pages = [search("mobility", limit=4, offset=offset) for offset in (0, 4, 8)]

    # then
    ids = [h.document_id for page in pages for h in page.hits]
    assert sorted(ids) == sorted(d.pk for d in documents)
    assert [len(page.hits) for page in pages] == [4, 4, 1]


def test_filters_apply_before_the_candidates_are_chosen(small_lists):
    # given: five matches on objective 6, and newer, stronger ones elsewhere
    wanted = [index(f"Recruitment {n}", facets={"objective": ["6"]}) for n in range(5)]
    for n in range(5):
        index(f"Recruitment recruitment {n}", facets={"objective": ["19"]})

    # when
    result = search("recruitment", filters={"objective": ["6"]}, limit=10)

    # then
    assert result.total == 5
    assert sorted(h.document_id for h in result.hits) == sorted(d.pk for d in wanted)


# -- counts stay true to what the database holds -----------------------------------------------


def test_counts_forget_a_rolled_back_write():
    # given
    from django.db import transaction

    index("Diaspora bonds", facets={"objective": ["19"]})
    assert search("diaspora", facets=["objective"]).facets["objective"] == [("19", 1)]

    # when: a write is seen (and cached) inside a transaction that then rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        index("Diaspora savings", facets={"objective": ["19", "20"]})
        assert search("diaspora").total == 2
        raise RuntimeError

    # then
    result = search("diaspora", facets=["objective"])
    assert result.total == 1
    assert result.facets["objective"] == [("19", 1)]


def test_the_facet_bitsets_can_be_rebuilt_from_the_rows():
    # given
    index("Diaspora bonds", facets={"objective": ["19"]})
    index("Diaspora council", kind="organisation", facets={"objective": ["19", "20"]})

    # when
    rebuilt = services.bitmaps_rebuild()

    # then: two kinds, two objective values
    assert rebuilt == 4
    result = search("diaspora", kinds=["organisation"], facets=["objective"])
    assert result.total == 1
    assert result.facets["objective"] == [("19", 1), ("20", 1)]


@pytest.mark.django_db
def test_facet_counts_of_a_few_documents_equal_the_bitmaps_counts(monkeypatch):
    from django.db import connection

    from migrationhub.search.backends import base
    from migrationhub.search.selectors import backend_for

    docs = [
        index("One", facets={"country": ["KEN", "GHA"], "objective": ["5"]}),
        index("Two", facets={"country": ["KEN"], "objective": ["6"]}),
        index("Three", facets={"country": ["MEX"]}),
        index("Four", facets={"objective": ["5"]}),
    ]
    ids = [docs[0].pk, docs[1].pk, docs[3].pk]
    backend = backend_for(connection)
    by_id = backend.facet_counts_of(["country", "objective"], ids)
    kinds_by_id = backend.facet_counts_of([base.KIND_FACET], ids)
    monkeypatch.setattr(base, "FEW_FACET_IDS", 0)  # the bitmaps' path
    by_bitmaps = backend.facet_counts_of(["country", "objective"], ids)
    # the kind of record, which faceted pages count too, is the documents' own column
    assert (
        kinds_by_id == backend.facet_counts_of([base.KIND_FACET], ids) == {"~kind": {"practice": 3}}
    )
    assert (
        by_id
        == by_bitmaps
        == {
            "country": {"KEN": 2, "GHA": 1},
            "objective": {"5": 2, "6": 1},
        }
    )


def test_a_family_counts_every_value_as_its_own_bitset_would():
    import random

    from migrationhub.search import bitmaps

    rng = random.Random(7)
    # values of every width (a short one, one past 64 bits, empty) and a set wider than them all
    family = bitmaps.Family(
        {
            "wide": rng.getrandbits(5000),
            "short": 0b1011,
            "odd": rng.getrandbits(65) | 1 << 64,
            "none": 0,
        }
    )
    for bits in (rng.getrandbits(9000), rng.getrandbits(40), 1 << 64, 0):
        expected = sorted((v, n) for v, b in family.items() if (n := (b & bits).bit_count()))
        assert sorted(family.counts(bits)) == expected
    assert bitmaps.Family().counts(0b111) == []


def test_facet_checkboxes_escape_every_value_and_label():
    from migrationhub.search.faceted import FOLD_AFTER, FacetValue, FacetView
    from migrationhub.search.templatetags.facets import facet_values

    hostile = FacetValue('"><script>x</script>', "<b>Côte d'Ivoire</b> & co", 3, True)
    values = [hostile] + [FacetValue(f"v{i}", f"V{i}", 1, False) for i in range(FOLD_AFTER)]
    html = facet_values(FacetView("country", "Country", values))
    assert "<script>" not in html and "<b>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;" checked>' in html
    assert "<span>&lt;b&gt;Côte d&#x27;Ivoire&lt;/b&gt; &amp; co</span>" in html
    assert 'id="facet-country-v0" name="country" value="v0">' in html
    assert html.count("<label>") == FOLD_AFTER + 1 and "<details><summary>" in html
