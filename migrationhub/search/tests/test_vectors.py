"""Semantic search: the embedders, the exact index, rank fusion, vectors kept in step with the
documents (background task, CLI), hybrid ranking and similar documents. On both databases, with
the deterministic double (`HashingEmbedder`); the real model in one integration test."""

import itertools

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from migrationhub.search import bitmaps, bridge, embedding, selectors, services, vectors
from migrationhub.search.backends import backend_for
from migrationhub.search.models import DocumentVector
from migrationhub.search.selectors import RRF_DEPTH, search, similar_documents

_ids = itertools.count(1)


@pytest.fixture
def hashing(settings):
    settings.MIGRATIONHUB_EMBEDDER = "hashing"
    return vectors.embedder()


def index(title, body="", *, kind="practice", facets=None):
    return services.document_upsert(
        kind=kind, object_id=next(_ids), title=title, body=body, facets=facets or {}
    )


# -- pure parts ------------------------------------------------------------------------------


def test_the_double_is_deterministic_and_unit_length():
    model = embedding.HashingEmbedder()
    a, b = model.embed(["Ethical recruitment of migrant workers", ""])
    assert np.allclose(a, model.embed(["ethical RECRUITMENT of migrant workers"])[0])
    assert abs(float(np.linalg.norm(a)) - 1) < 1e-5 and not b.any()


def test_the_index_is_exact_and_honours_the_allowed_documents():
    rng = np.random.default_rng(7)
    matrix = embedding._unit(rng.normal(size=(500, 16)).astype(np.float32))
    ids = list(range(1, 501))
    built = embedding.VectorIndex(ids, matrix)
    query = matrix[41]
    expected = [ids[i] for i in np.argsort(-(matrix @ query))[:5]]
    assert [n.document_id for n in built.nearest(query, 5)] == expected
    odd = bitmaps.from_ids([i for i in ids if i % 2])
    assert all(n.document_id % 2 for n in built.nearest(query, 20, allowed=odd))
    assert 42 not in [n.document_id for n in built.nearest(query, 5, exclude=42)]


@pytest.mark.parametrize("seed", range(5))
def test_the_filtered_top_k_is_the_brute_force_one(seed):
    # given vectors with ties, a random filter, a random k
    rng = np.random.default_rng(seed)
    matrix = np.round(rng.normal(size=(300, 8)), 1).astype(np.float32)
    ids = sorted(rng.choice(10_000, size=300, replace=False).tolist())
    built = embedding.VectorIndex(ids, matrix)
    query = np.round(rng.normal(size=8), 1).astype(np.float32)
    chosen = [i for i in ids if rng.random() < 0.1]
    k = int(rng.integers(1, 40))
    # when
    found = built.nearest(query, k, allowed=bitmaps.from_ids(chosen), exclude=chosen[0])
    # then: the best k of the allowed ones, ties in the index's order
    scores = matrix @ query
    allowed_rows = [r for r, i in enumerate(ids) if i in set(chosen) and i != chosen[0]]
    expected = sorted(allowed_rows, key=lambda r: (-scores[r], r))[:k]
    assert [n.document_id for n in found] == [ids[r] for r in expected]
    assert built.nearest(query, k, allowed=0) == []


def test_reciprocal_rank_fusion_rewards_agreement():
    assert embedding.reciprocal_rank_fusion([1, 2, 3], [3, 4]) == [3, 1, 2, 4]
    assert embedding.reciprocal_rank_fusion([], [5, 6]) == [5, 6]


def test_a_weaker_ranking_counts_for_less_in_the_fusion():
    # equal weights: the first ranking's first document wins the tie-free race
    assert embedding.reciprocal_rank_fusion([1, 2], [2, 1])[0] == 1
    # half weight on the words: the vectors' order wins
    assert embedding.reciprocal_rank_fusion([1, 2], [2, 1], weights=(0.5, 1.0)) == [2, 1]


def test_vectors_round_trip_as_bytes():
    vector = embedding.HashingEmbedder().embed(["remittances"])[0]
    assert np.array_equal(embedding.from_bytes(embedding.to_bytes(vector), 64), vector)
    with pytest.raises(ValueError):
        embedding.from_bytes(b"\x00" * 12, 64)


# -- kept in step ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_vectors_follow_writes_through_the_background_task(
    hashing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = index("Zebra crossings near schools")
    assert DocumentVector.objects.filter(document=document, model=hashing.name).exists()
    before = vectors.version()
    # a changed text drops the stale vector at once, and the task computes the new one
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.document_upsert(
            kind="practice", object_id=document.object_id, title="Safer routes", body=""
        )
    assert not DocumentVector.objects.filter(document=document).exists()
    assert vectors.version() != before
    for callback in callbacks:
        callback()
    assert DocumentVector.objects.filter(document=document).exists()
    # a deleted document leaves the index
    services.document_delete(kind="practice", object_id=document.object_id)
    assert len(vectors.index(hashing)) == 0


@pytest.mark.django_db
def test_deferred_vectors_are_asked_for_together_at_the_end_and_not_after_a_failure(
    hashing, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        services.vectors_deferred(),
    ):
        documents = [index(f"Zebra crossing {n}") for n in range(3)]
        assert not DocumentVector.objects.exists()
    tasks = [c for c in callbacks if "_vectors_enqueue" in getattr(c, "__qualname__", "")]
    assert len(tasks) == 1
    assert DocumentVector.objects.filter(document__in=documents).count() == 3
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        services.vectors_deferred(),
    ):
        index("Mobile remittances")
        raise RuntimeError
    assert not any("_vectors_enqueue" in getattr(c, "__qualname__", "") for c in callbacks)


@pytest.mark.django_db
def test_the_cli_computes_missing_vectors(hashing):
    index("Zebra crossings near schools")
    index("Mobile remittances")
    assert len(services.vectors_missing()) == 2
    call_command("search_vectors")
    assert services.vectors_missing() == []
    assert len(vectors.index(hashing)) == 2


# -- hybrid ranking --------------------------------------------------------------------------


def _vectorised(hashing):
    call_command("search_vectors")
    return vectors.index(hashing)


@pytest.mark.django_db
def test_hybrid_adds_what_the_words_missed_and_counts_it(hashing):
    zebra = index("Zebra crossings near schools", facets={"country": ["KEN"]})
    index("Mobile remittances", facets={"country": ["GHA"]})
    _vectorised(hashing)
    # "zebrafish" is no prefix of "zebra": the words find nothing; the vectors share "zebra"
    assert search("zebrafish").total == 0
    result = search("zebrafish", semantic=True, facets=["country"])
    assert [h.document_id for h in result.hits] == [zebra.pk]
    assert result.total == 1 and dict(result.facets["country"]) == {"KEN": 1}
    assert result.hits[0].title_html  # highlighted like any hit
    # filters bind the vectors too
    assert search("zebrafish", semantic=True, filters={"country": ["GHA"]}).total == 0


@pytest.mark.django_db
def test_an_exact_title_comes_first_and_pages_do_not_repeat(hashing):
    for n in range(45):
        index(f"Remittance corridor study {n}", "remittances remittances remittances")
    exact = index("Remittances", "A short note.")
    _vectorised(hashing)
    first = search("remittances", semantic=True, limit=20)
    assert first.hits[0].document_id == exact.pk
    seen = []
    for page in range(3):
        seen += [
            h.document_id
            for h in search("remittances", semantic=True, limit=20, offset=20 * page).hits
        ]
    assert len(seen) == len(set(seen)) == first.total == 46


@pytest.mark.django_db
def test_a_hybrid_search_reads_its_facets_versions_and_documents_once(hashing):
    """The vectors' scope, the ranking and the added documents' counts share one check of the
    facets' versions; the head's titles and the page's snippets one read of the documents."""
    for n in range(25):
        index(f"Remittance corridor study {n}", "remittances", facets={"country": ["KEN"]})
    index("Zebra remittances", facets={"country": ["GHA"]})
    _vectorised(hashing)
    search("remittances", semantic=True, facets=["country"])  # the bitsets and vectors cached
    with CaptureQueriesContext(connection) as queries:
        result = search("remittances zebrafish", semantic=True, facets=["country"])
    assert result.total == 26
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum("FROM search_facet_bitmap" in s for s in statements) == 1
    assert sum("FROM search_document d WHERE d.id IN" in s for s in statements) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("matches", [5, 45])
def test_a_page_past_the_head_ranks_the_words_again_only_when_the_head_lacks_matches(
    hashing, matches, monkeypatch
):
    """A page longer than the fused head is filled from the words' ranking: from the head's own
    lexical top when it holds every match (one ranking), from a longer one otherwise."""
    for n in range(matches):
        index(f"Remittance corridor study {n}", "remittances " * (n % 4 + 1))
    index("Zebra crossings near schools")
    _vectorised(hashing)
    backend = type(backend_for(connection))
    rankings, rank = [], backend.search

    def counted(self, *args, **kwargs):
        rankings.append(kwargs["limit"])
        return rank(self, *args, **kwargs)

    monkeypatch.setattr(backend, "search", counted)
    result = search("remittances", semantic=True, limit=60)
    assert len({h.document_id for h in result.hits}) == len(result.hits) == matches
    assert rankings == ([RRF_DEPTH, 60] if matches > RRF_DEPTH else [RRF_DEPTH])


@pytest.mark.django_db
def test_similar_documents_by_vector(hashing):
    a = index("Zebra crossings near schools", kind="practice")
    b = index("Zebra crossings near hospitals", kind="evidence")
    index("Mobile remittances", kind="practice")
    _vectorised(hashing)
    found = similar_documents("practice", a.object_id, kinds=["evidence"], limit=3)
    assert [d.document_id for d in found] == [b.pk]
    assert similar_documents("practice", 999_999) == []


@pytest.mark.django_db(transaction=True)
def test_documents_objects_are_kept_only_when_read_outside_a_transaction():
    # given: one document written and committed, another written in a transaction undone
    selectors._DOCUMENT_OBJECTS.clear()
    kept = index("Zebra crossings near schools")
    with transaction.atomic():
        undone = index("Mobile remittances", kind="evidence")
        assert selectors.document_objects([undone.pk]) == {
            undone.pk: ("evidence", undone.object_id)
        }
        transaction.set_rollback(True)

    # when: read twice outside a transaction
    first = selectors.document_objects([kept.pk, undone.pk])
    with CaptureQueriesContext(connection) as queries:
        second = selectors.document_objects([kept.pk])

    # then: the second read asks the database nothing; the undone document was never kept
    assert first == second == {kept.pk: ("practice", kept.object_id)}
    assert len(queries) == 0
    assert [key[-1] for key in selectors._DOCUMENT_OBJECTS] == [kept.pk]


@pytest.mark.django_db
def test_semantic_search_off_is_lexical(settings):
    settings.MIGRATIONHUB_EMBEDDER = ""
    index("Zebra crossings near schools")
    assert vectors.embedder() is None
    assert search("zebrafish", semantic=True).total == 0


@pytest.mark.django_db
def test_the_real_model_finds_an_english_text_from_an_arabic_query(settings):
    """The production model, once: a need in Arabic finds the English practice that meets it,
    which shares no word with it."""
    settings.MIGRATIONHUB_EMBEDDER = "use"
    wanted = index(
        "Geolocation apps for families of migrants",
        "Mobile applications help families locate relatives who migrated and lost contact.",
    )
    index("Remittance cost-comparison websites", "Compare the price of sending money home.")
    index("Climate change and displacement", "Planned relocation of communities at risk.")
    call_command("search_vectors")
    result = search("مساعدة الأسر في العثور على أقارب مفقودين", semantic=True)
    assert result.hits and result.hits[0].document_id == wanted.pk


# -- the bridge through the reference vocabularies (bridge.py) -------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "language", "names"),
    [
        ("remesas", "es", "remittances"),
        ("汇款", "zh", "remittances"),
        ("торговля людьми", "ru", "trafficking"),
        ("recrutement éthique", "fr", "recruitment"),
    ],
)
def test_a_short_query_in_another_language_brings_the_english_words_it_names(
    query, language, names
):
    assert names in bridge.expansion(query, language).split()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("remittances", "en"),  # English needs no bridge
        ("migración", "es"),  # in most titles: says nothing
        ("ayudar a las familias a encontrar a un pariente desaparecido en la ruta", "es"),  # long
    ],
)
def test_no_bridge_for_english_common_or_long_queries(query, language):
    assert bridge.expansion(query, language) == ""


@pytest.mark.django_db
def test_the_real_model_finds_remittances_from_one_spanish_word(settings):
    """One foreign word is too little for the model alone; through objective 20's titles the
    Spanish "remesas" finds the English remittance practice."""
    settings.MIGRATIONHUB_EMBEDDER = "use"
    wanted = index(
        "Remittance cost-comparison websites", "Compare the price of sending money home."
    )
    index("Geolocation apps for families of migrants", "Locate relatives who lost contact.")
    index("Climate change and displacement", "Planned relocation of communities at risk.")
    call_command("search_vectors")
    result = search("remesas", semantic=True, language="es")
    assert result.hits and result.hits[0].document_id == wanted.pk
