"""Values stored beside the postings (search.models.Term.impacts): on PostgreSQL each term's
`ts_rank` in every document it occurs in, on SQLite each term's weighted frequency and the
document's length (bm25's shares drift with the average length), so that a search scores every
match exactly without reading any text (`Backend.impact_scores`). They follow the postings
through single writes, updates, deletions, bulk loads, rebuilds and the migrations that first
filled them, and the scores they give are the database's."""

import importlib
import itertools
import random

import pytest
from django.apps import apps
from django.db import connection

from migrationhub.search import bitmaps, services, topk
from migrationhub.search.backends import backend_for, base
from migrationhub.search.models import Term
from migrationhub.search.query import parse

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)
# Made-up words (see test_known_scores.py): prefixes that stand for several terms.
WORDS = [
    *("zorblation", "zorblat", "zorblats", "zorblatory", "quimset", "quimsetting"),
    *("vandrel", "vandrels", "vandreling", "plinder", "plinders", "kelvamp", "kelvamps"),
]
QUERIES = ["zorblat", "quimsetting", "vandrel plinders", "kelvamp zorblats quimset", "plinder"]


def index(title, body, object_id=None):
    return services.document_upsert(
        kind="practice",
        object_id=object_id or next(_ids),
        title=title,
        body=body,
        language="en",
        facets={},
    )


def texts(rng, count):
    weights = [1 / (1 + i % 7) for i in range(len(WORDS))]
    for _ in range(count):
        yield (
            " ".join(rng.choices(WORDS, weights, k=rng.randint(1, 4))),
            " ".join(rng.choices(WORDS + ["filler"] * 5, k=rng.randint(3, 60))),
        )


def bulk_index(seed, count):
    """`count` practices of random texts, loaded as one bulk load."""
    services.documents_bulk_add(
        {"kind": "practice", "object_id": i, "title": title, "body": body}
        for i, (title, body) in enumerate(texts(random.Random(seed), count))
    )


def assert_impacts_are_the_databases():
    """Every term's values follow its postings, and give the term's score in each document as
    the database computes it: `ts_rank` of the term (PostgreSQL), FTS5's bm25 of the term alone
    (SQLite)."""
    backend = backend_for(connection)
    compared = 0
    with connection.cursor() as cursor:
        for term, postings, impacts in Term.objects.values_list("term", "postings", "impacts"):
            ids = bitmaps.posting_ids(postings)
            values = topk.decode_impacts(impacts, backend.value_width)
            assert len(values) == len(ids), term
            if not len(ids):
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT id, ts_rank(tsv, to_tsquery('simple', %s), 1) FROM search_document"
                    " WHERE id = ANY(%s)",
                    [term, ids.tolist()],
                )
                scores = values
            else:
                cursor.execute(
                    "SELECT rowid, -rank FROM search_fts WHERE search_fts MATCH %s",
                    ['"' + term + '"'],
                )
                cursor2 = connection.cursor()
                cursor2.execute("SELECT documents, tokens FROM search_index_state")
                documents, tokens = cursor2.fetchone()
                idf = topk.bm25_idf(documents, len(ids))
                scores = topk.bm25_scores(values[:, 0], values[:, 1], idf, tokens / documents)
            expected = dict(cursor.fetchall())
            assert sorted(expected) == ids.tolist(), term
            for doc, value in zip(ids.tolist(), scores.tolist(), strict=True):
                assert value == pytest.approx(expected[doc], rel=1e-6), (term, doc)
                compared += 1
    assert compared > 0


def test_impacts_follow_single_writes_updates_and_deletions():
    # given: documents written one by one, one edited (its frequencies and length change),
    # one deleted
    rng = random.Random(5)
    documents = [index(*text) for text in texts(rng, 30)]
    index("zorblat zorblat quimset", "vandrel " * 9, object_id=documents[0].object_id)
    services.document_delete(kind="practice", object_id=documents[1].object_id)

    # then
    assert_impacts_are_the_databases()


def test_impacts_of_bulk_loads_and_rebuilds_are_the_databases():
    # given: a bulk load onto documents written one by one
    rng = random.Random(7)
    for text in texts(rng, 10):
        index(*text)
    services.documents_bulk_add(
        {"kind": "practice", "object_id": 1000 + i, "title": title, "body": body}
        for i, (title, body) in enumerate(texts(rng, 200))
    )
    assert_impacts_are_the_databases()

    # when: every term rebuilt, then one more write
    services.terms_rebuild()
    index("plinder kelvamp", "zorblatory")

    # then
    assert_impacts_are_the_databases()


MIGRATION = {"postgresql": "0008_term_impacts", "sqlite": "0010_term_frequencies"}


def test_the_migration_fills_the_impacts_the_services_write():
    # given: an index whose impacts were written by the services, then blanked
    rng = random.Random(9)
    for text in texts(rng, 40):
        index(*text)
    written = {
        t: (bytes(p), bytes(i))
        for t, p, i in Term.objects.values_list("term", "postings", "impacts")
    }
    Term.objects.update(impacts=b"")
    migration = importlib.import_module(
        f"migrationhub.search.migrations.{MIGRATION[connection.vendor]}"
    )

    # when
    migration.fill(apps, None)

    # then: the same postings, and impacts equal to float32 rounding
    filled = {
        t: (bytes(p), bytes(i))
        for t, p, i in Term.objects.values_list("term", "postings", "impacts")
    }
    assert {t: p for t, (p, _) in filled.items()} == {t: p for t, (p, _) in written.items()}
    for term, (_, impacts) in filled.items():
        assert topk.decode_impacts(impacts).tolist() == pytest.approx(
            topk.decode_impacts(written[term][1]).tolist(), rel=1e-6
        ), term
    assert any(impacts for _, impacts in filled.values())
    assert_impacts_are_the_databases()


@pytest.mark.parametrize("match", [None, base.SOME])
def test_every_match_is_scored_from_the_impacts_as_the_database_scores_it(monkeypatch, match):
    # given: more matches than RANK_ALL, and the database's scoring counted
    monkeypatch.setattr(base, "RANK_ALL", 20)
    bulk_index(seed=13, count=300)
    backend = backend_for(connection)
    read = []
    score = type(backend).score
    monkeypatch.setattr(
        type(backend), "score", lambda self, *a: read.append(len(a[1])) or score(self, *a)
    )
    for query in QUERIES:
        parsed = parse(query, "en")
        scope = backend.scope(["practice"])
        found = backend.matches(parsed, scope, scope.bit_count(), match)
        assert found.bits.bit_count() > base.RANK_ALL, query

        # when
        ids, scores = backend.impact_scores(parsed, found)
        page = backend.ranked_page(parsed, found, found.bits.bit_count(), 20, 0, False)

        # then: every match's score is the database's, and the page is their top 20
        expected = score(backend, parsed, bitmaps.descending(found.bits), found)
        assert sorted(ids.tolist()) == sorted(expected), query
        for doc, value in zip(ids.tolist(), scores.tolist(), strict=True):
            assert value == pytest.approx(expected[doc], rel=1e-6), (query, doc)
        kth = sorted(expected.values(), reverse=True)[19] * (1 - 1e-6)
        assert all(expected[h.document_id] >= kth for h in page), query
        assert [h.score for h in page] == sorted((h.score for h in page), reverse=True)
    assert read == []
    for query in QUERIES:  # the pages themselves read no tsvector
        parsed = parse(query, "en")
        backend.search(parsed, kinds=["practice"], limit=20, match=match)
    assert read == []


def test_impacts_that_do_not_follow_the_postings_leave_ranking_to_the_database(monkeypatch):
    # given: an index from before the impacts (blanked)
    monkeypatch.setattr(base, "RANK_ALL", 20)
    bulk_index(seed=17, count=200)
    Term.objects.update(impacts=b"")
    backend = backend_for(connection)
    parsed = parse("vandrel plinders", "en")
    scope = backend.scope(["practice"])
    found = backend.matches(parsed, scope, scope.bit_count(), None)

    # then: no impact scores; the page is still the exhaustive top
    assert backend.impact_scores(parsed, found) is None
    page = backend.ranked_page(parsed, found, found.bits.bit_count(), 10, 0, False)
    assert [h.document_id for h in page] == backend.exhaustive(parsed, 10, kinds=["practice"])

    # and a write keeps the term unused (b"") rather than half-filled
    index("vandrel", "plinders")
    assert set(
        Term.objects.filter(term__startswith="vandrel").values_list("impacts", flat=True)
    ) == {b""}
