"""Stored postings (search.models.Term.postings): a word's documents read from its terms' rows
match exactly the documents the full-text index matches, through single writes, deletions, bulk
loads, rebuilds and the migration that first filled them."""

import importlib
import itertools
import random

import numpy as np
import pytest
from django.apps import apps
from django.db import connection

from migrationhub.search import bitmaps, services
from migrationhub.search.backends import backend_for, base
from migrationhub.search.models import Term
from migrationhub.search.query import parse

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)

TEXTS = [
    ("en", "Fair recruitment of domestic workers", "Recruiters charge no fees to workers."),
    ("en", "Remittance costs in Africa", "Sending money home costs less through mobile money."),
    ("fr", "Recrutement éthique des travailleurs", "Les recruteurs ne facturent aucun frais."),
    ("es", "Remesas y desarrollo local", "Las remesas financian proyectos de las comunidades."),
    ("ru", "Защита трудящихся-мигрантов", "Мигранты получают юридическую помощь."),
    ("ar", "حماية العمال المهاجرين", "يحصل المهاجرون على المساعدة القانونية في الهجرة."),
    ("zh", "移民工人的公平招聘", "招聘机构不向工人收取费用。"),
    ("en", "Data sharing with privacy", "Migration data shared between agencies, privacy kept."),
]
QUERIES = [
    "recruitment",
    "recrut",
    "fair recruitment of domestic workers",
    "remittance costs Africa",
    "remesas",
    "recrutement éthique",
    "мигранты",
    "الهجرة",
    "招聘",
    "data sharing privacy",
    "money mobile home",
    "nothing matches this",
]


def index(language, title, body):
    return services.document_upsert(
        kind="practice",
        object_id=next(_ids),
        title=title,
        body=body,
        language=language,
        facets={},
    )


def assert_postings_match_the_index(queries):
    backend = backend_for(connection)
    compared = 0
    for query in queries:
        parsed = parse(query, "en")
        parsed.expansions = None
        stored = backend.group_postings(parsed)
        assert stored is not None, query
        for group, bits in zip(parsed.groups, stored, strict=True):
            expected = backend.match_ids(backend.group_expression(group))
            assert bitmaps.descending(bits) == bitmaps.descending(expected), (query, group)
            compared += 1
    assert compared >= len(queries)


def test_encoded_postings_come_back_as_the_same_set_sparse_or_dense():
    # given: sets from empty to every document
    rng = random.Random(5)
    sets = [[], [0], [7], list(range(1000))]
    sets += [sorted(rng.sample(range(5000), k)) for k in (3, 40, 150, 200, 4000)]
    for ids in sets:
        # when
        stored = bitmaps.encode_postings(np.asarray(ids, dtype=np.int64))
        # then: the same set, written alike from ids or from the bitset, in the smaller form
        assert bitmaps.descending(bitmaps.decode_postings(stored)) == ids[::-1]
        assert bitmaps.encode_postings_of(bitmaps.from_ids(ids)) == stored
        assert len(stored) <= 1 + min(4 * len(ids), (ids[-1] // 8 + 1) if ids else 0)


def test_contains_tests_candidates_against_a_set_past_its_end_too():
    rng = random.Random(9)
    members = set(rng.sample(range(3000), 700))
    bits = bitmaps.from_ids(sorted(members))
    candidates = np.asarray([0, 1, 2999, 3000, 10_000, *rng.sample(range(4000), 500)])
    assert bitmaps.contains(bits, candidates).tolist() == [c in members for c in candidates]
    assert not bitmaps.contains(0, candidates).any()


def test_postings_follow_single_writes_updates_and_deletions():
    # given: documents in the six languages, one edited, one deleted
    documents = [index(*text) for text in TEXTS]
    services.document_upsert(
        kind="practice",
        object_id=documents[0].object_id,
        title="Ethical recruitment of care workers",
        body="Employers pay the recruitment fees.",
        language="en",
        facets={},
    )
    services.document_delete(kind="practice", object_id=documents[1].object_id)

    # then: every word of every query matches the documents the full-text index matches
    assert_postings_match_the_index([*QUERIES, "remittance", "care", "domestic"])


def test_postings_of_bulk_loads_and_rebuilds_match_the_index():
    # given: a bulk load, then a rebuild of every term
    rng = random.Random(11)
    words = [f"w{i}x" for i in range(300)]
    services.documents_bulk_add(
        {
            "kind": "practice",
            "object_id": i,
            "title": " ".join(rng.choices(words, k=4)),
            "body": " ".join(rng.choices(words, k=40)),
        }
        for i in range(600)
    )
    queries = [" ".join(rng.sample(words, 2)) for _ in range(20)] + ["w1", "w2"]
    assert_postings_match_the_index(queries)

    # when
    services.terms_rebuild()
    index("en", "w1x and w7x once more", "")

    # then
    assert_postings_match_the_index(queries)


def test_the_migration_fills_the_postings_the_services_write():
    # given: an index whose postings were written by the services, then blanked
    for text in TEXTS:
        index(*text)
    written = dict(Term.objects.values_list("term", "postings"))
    Term.objects.update(postings=b"")
    migration = importlib.import_module("migrationhub.search.migrations.0007_term_postings")

    # when
    migration.fill(apps, None)

    # then
    filled = dict(Term.objects.values_list("term", "postings"))
    assert {t: bytes(p) for t, p in filled.items()} == {t: bytes(p) for t, p in written.items()}
    assert_postings_match_the_index(QUERIES)


def test_a_prefix_of_too_many_terms_is_matched_by_the_full_text_index(monkeypatch):
    # given: a prefix that begins more terms than postings are read for
    from migrationhub.search.selectors import search

    for text in TEXTS:
        index(*text)
    by_postings = search("recru", language="en")
    monkeypatch.setattr(base, "POSTINGS_TERMS", 1)
    parsed = parse("recru", "en")
    assert len(backend_for(connection)._expansions(parsed)["recru"]) > 1

    # when
    result = search("recru", language="en")

    # then: no postings read, the same documents found
    assert backend_for(connection).group_postings(parse("recru", "en")) is None
    assert result.total == by_postings.total == 2  # the English and the French
    assert [h.document_id for h in result.hits] == [h.document_id for h in by_postings.hits]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="enable_seqscan is a PostgreSQL planner setting"
)
def test_only_the_full_text_match_turns_sequential_scans_off_and_back(monkeypatch):
    # given: on PostgreSQL, a search by postings and one by the full-text index
    from django.test.utils import CaptureQueriesContext

    from migrationhub.search.selectors import search

    for text in TEXTS:
        index(*text)

    # when
    with CaptureQueriesContext(connection) as by_postings:
        search("recruitment workers", language="en")
    monkeypatch.setattr(base, "POSTINGS_TERMS", 1)
    with CaptureQueriesContext(connection) as by_index:
        search("recru", language="en")

    # then: the setting is touched only around the index's match, and left as it was
    assert not any("enable_seqscan" in q["sql"] for q in by_postings.captured_queries)
    assert any("enable_seqscan" in q["sql"] for q in by_index.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
