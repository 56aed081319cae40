"""Scores known from the champion lists (`Backend.term_values`, PostgreSQL): a candidate that is
a champion of every query term it has is scored from the stored impacts, as `score` would score
it; the others get tighter bounds. As close to scoring every match, with fewer `tsvector`s read."""

import random

import pytest
from django.db import connection

from migrationhub.search import bitmaps, services, topk
from migrationhub.search.backends import backend_for, base
from migrationhub.search.backends.postgres import PostgresBackend
from migrationhub.search.query import parse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="impacts are ts_rank's own on PostgreSQL"
    ),
]

# Made-up words whose stems share beginnings, so that a query word's prefix stands for several
# terms. (Not real words: the index keeps, per term, the first word its process saw, and other
# tests expect their own words there.)
WORDS = [
    *("zorblation", "zorblat", "zorblats", "zorblatory", "zorblate"),
    *("quimset", "quimsetting", "quimsets", "vandrel", "vandrels", "vandreling"),
    *("trossic", "trossically", "plinder", "plinders", "plindery"),
    *("kelvamp", "kelvamps", "kelvamping", "druvish", "druvishly"),
]


@pytest.fixture
def corpus(monkeypatch):
    monkeypatch.setattr(base, "RANK_ALL", 50)
    monkeypatch.setattr(base, "PRERANK", 150)
    monkeypatch.setattr(base, "SCORE_FIRST", 20)
    monkeypatch.setattr(topk, "CHAMPIONS", 60)
    rng = random.Random(11)
    words = WORDS + [f"filler{i}" for i in range(60)]
    weights = [1 / (1 + i % 25) for i in range(len(words))]
    services.documents_bulk_add(
        {
            "kind": "practice",
            "object_id": i,
            "title": " ".join(rng.choices(words, weights, k=rng.randint(2, 5))),
            "body": " ".join(rng.choices(words, weights, k=rng.randint(10, 80))),
            "language": "en",
        }
        for i in range(1200)
    )


QUERIES = [
    "zorblation",
    "quimsetting",
    "vandrels",
    "trossic plinder",
    "kelvamp zorblats",
    "druvish vandreling plinders",
]


def found_for(backend, parsed):
    scope = backend.scope(["practice"])
    return backend.matches(parsed, scope, scope.bit_count(), None)


def test_known_scores_are_the_database_scores_and_bounds_hold(corpus):
    backend = backend_for(connection)
    every_known = 0
    for query in QUERIES:
        parsed = parse(query, "en")
        found = found_for(backend, parsed)
        assert found.bits.bit_count() > base.RANK_ALL, query  # ranked from the lists
        ids, bounds, known = backend.candidates(parsed, found, 20)
        exact = backend.score(parsed, ids, found)
        every_known += len(known)
        for doc in known:  # the same sum, from impacts stored in float32
            assert known[doc] == pytest.approx(exact[doc], rel=1e-6), (query, doc)
        for doc, bound in zip(ids, bounds, strict=True):
            assert bound >= exact[doc] * (1 - 1e-6), (query, doc)
    assert every_known > 0


def test_the_top_is_the_exhaustive_top_with_fewer_tsvectors_read(corpus, monkeypatch):
    backend = backend_for(connection)
    scored = []
    score = PostgresBackend.score

    def counting(self, parsed, ids, found):
        scored.append(len(ids))
        return score(self, parsed, ids, found)

    monkeypatch.setattr(PostgresBackend, "score", counting)
    monkeypatch.setattr(PostgresBackend, "value_width", 0)  # candidates, not every match
    read, top = {}, {False: 0, True: 0}
    for exact in (False, True):
        monkeypatch.setattr(PostgresBackend, "impacts_exact", exact)
        scored.clear()
        for query in QUERIES:
            parsed = parse(query, "en")
            found = found_for(backend, parsed)
            page = backend.ranked_page(parsed, found, found.bits.bit_count(), 20, 0, False)
            every = score(backend, parsed, bitmaps.descending(found.bits), found)
            kth = sorted(every.values(), reverse=True)[19] * (1 - 1e-6)
            top[exact] += sum(every[h.document_id] >= kth for h in page)  # ties either way
            for hit in page:  # the page's scores are the database's, up to float32
                assert hit.score == pytest.approx(every[hit.document_id], rel=1e-6), query
        read[exact] = sum(scored)
    assert read[True] < 0.8 * read[False]
    assert top[True] >= top[False] >= 0.9 * 20 * len(QUERIES)
