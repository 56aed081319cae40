"""The approximate index (ann.py, ADR 0012): on a fixed set it returns the exact index's top
results; it honours filters, exclusions, removals and vectors written after its build; the
database side builds it past `MIGRATIONHUB_ANN_MIN`, every process maps the stored graph, and
hybrid search through it ranks as through the exact index."""

import itertools
import threading

import numpy as np
import pytest

from migrationhub.search import ann, bitmaps, embedding, services, vectors
from migrationhub.search.models import DocumentVector, VectorGraph
from migrationhub.search.selectors import search, similar_documents


def clustered(n, dimensions=64, clusters=40, seed=3):
    """Unit vectors around a few centres, as sentence vectors are (random directions would make
    every neighbour as near as any other, which no real corpus does)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dimensions))
    points = centres[rng.integers(0, clusters, n)] + 0.6 * rng.normal(size=(n, dimensions))
    return embedding._unit(points.astype(np.float32))


def in_memory(ids, matrix):
    """A fetch over an in-memory table, as vectors.py reads the database."""
    rows = {d: r for r, d in enumerate(ids)}

    def fetch(wanted):
        present = [d for d in wanted if d in rows]
        return np.asarray(present, dtype=np.int64), matrix[[rows[d] for d in present]]

    return fetch


@pytest.fixture(scope="module")
def fixed_set(tmp_path_factory):
    ids = list(range(1, 5001))
    matrix = clustered(len(ids))
    path = ann.build(ids, matrix, tmp_path_factory.mktemp("graph") / "g.usearch", threads=1)
    return ids, matrix, path


def approximate(ids, matrix, path, delta=((), None), table=None):
    delta_ids, delta_matrix = delta
    if delta_matrix is None:
        delta_matrix = np.zeros((0, matrix.shape[1]), dtype=np.float32)
    return ann.ApproximateIndex(
        path,
        in_memory(*(table or (ids, matrix))),
        embedding.VectorIndex(delta_ids, delta_matrix),
        len(ids),
    )


def queries(matrix, n=100, seed=11):
    rng = np.random.default_rng(seed)
    picked = matrix[rng.integers(0, len(matrix), n)]
    return embedding._unit(picked + 0.3 * rng.normal(size=picked.shape).astype(np.float32))


def test_the_top_ten_is_the_exact_one_on_a_fixed_set(fixed_set):
    ids, matrix, path = fixed_set
    exact = embedding.VectorIndex(ids, matrix)
    graph = approximate(ids, matrix, path)
    same = 0
    for query in queries(matrix):
        want = exact.nearest(query, 10)
        got = graph.nearest(query, 10)
        same += [n.document_id for n in got] == [n.document_id for n in want]
        # similarities are the exact ones (re-ranked by the float32 vectors)
        truth = {n.document_id: n.similarity for n in exact.nearest(query, 50)}
        assert all(abs(n.similarity - truth[n.document_id]) < 1e-5 for n in got)
    assert same >= 98, f"{same} of 100 queries had the exact top 10"


@pytest.mark.parametrize("share", [0.5, 0.05, 0.002])
def test_filters_keep_to_the_allowed_documents_and_find_their_nearest(fixed_set, share):
    ids, matrix, path = fixed_set
    rng = np.random.default_rng(int(share * 1000))
    chosen = [d for d in ids if rng.random() < share]
    allowed = bitmaps.from_ids(chosen)
    exact = embedding.VectorIndex(ids, matrix)
    graph = approximate(ids, matrix, path)
    recall = []
    for query in queries(matrix, 30):
        want = [n.document_id for n in exact.nearest(query, 10, allowed=allowed)]
        got = [n.document_id for n in graph.nearest(query, 10, allowed=allowed)]
        assert set(got) <= set(chosen)
        recall.append(len(set(got) & set(want)) / len(want))
    assert np.mean(recall) >= 0.97


def test_removed_changed_and_newer_vectors(fixed_set):
    ids, matrix, path = fixed_set
    query = matrix[99]  # document 100's own vector
    # document 100 removed since the build: fetch no longer has it
    table_ids = [d for d in ids if d != 100]
    table = (table_ids, matrix[[d - 1 for d in table_ids]])
    assert 100 not in [
        n.document_id for n in approximate(ids, matrix, path, table=table).nearest(query, 5)
    ]
    # document 9001 written after the build, closest of all: found through the delta
    newer = (np.asarray([9001]), query[None, :].copy())
    found = approximate(ids, matrix, path, delta=newer).nearest(query, 3)
    assert found[0].document_id in (100, 9001) and {100, 9001} <= {n.document_id for n in found}
    # exclude and an empty filter
    graph = approximate(ids, matrix, path)
    assert 100 not in [n.document_id for n in graph.nearest(query, 5, exclude=100)]
    assert graph.nearest(query, 5, allowed=0) == []


# -- through the database ----------------------------------------------------------------------

_ids = itertools.count(50_000)


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.MIGRATIONHUB_EMBEDDER = "hashing"
    settings.MIGRATIONHUB_ANN_MIN = 30
    settings.MIGRATIONHUB_VECTOR_DIR = tmp_path / "vectors"
    return vectors.embedder()


WORDS = [
    "recruitment",
    "remittances",
    "diaspora",
    "labour",
    "migration",
    "return",
    "reintegration",
    "border",
    "health",
    "education",
    "housing",
    "documents",
    "detention",
    "alternatives",
    "children",
    "trafficking",
    "smuggling",
    "climate",
    "displacement",
    "data",
    "skills",
    "recognition",
    "consular",
    "protection",
    "integration",
    "cities",
    "language",
]


@pytest.mark.django_db(transaction=True)
def test_the_graph_is_built_past_the_threshold_and_searched_like_the_exact_index(small_threshold):
    rng = np.random.default_rng(5)
    for i in range(60):
        words = " ".join(rng.choice(WORDS, 4, replace=False))
        services.document_upsert(
            kind="practice" if i % 3 else "evidence",
            object_id=next(_ids),
            title=words.capitalize(),
            body=f"{words} programme {i}",
            facets={"objective": [str(1 + i % 5)]},
        )
    # the background task (immediate in tests) computed the vectors and built the graph when
    # the 30th arrived; the 30 since are too few for a rebuild: searched exactly beside it
    assert DocumentVector.objects.count() == 60
    graph = VectorGraph.objects.get()
    assert graph.vectors == 30 and graph.seq > 0
    assert DocumentVector.objects.filter(seq__gt=graph.seq).count() == 30
    model = vectors.embedder()
    approximate_index = vectors.index(model)
    assert isinstance(approximate_index, ann.ApproximateIndex)
    assert (
        approximate_index.path.exists() and approximate_index.path.parent == small_threshold_dir()
    )
    ids, matrix, _ = vectors.read_all(model.name)
    exact = embedding.VectorIndex(ids, matrix)
    for text in ("labour migration", "children education", "climate displacement data"):
        query = model.embed([text])[0]
        assert [n.document_id for n in approximate_index.nearest(query, 5)] == [
            n.document_id for n in exact.nearest(query, 5)
        ]
    # a new document is searchable at once (exact beside the graph), before any rebuild
    newest = services.document_upsert(
        kind="practice", object_id=next(_ids), title="Seasonal agricultural workers", body=""
    )
    assert VectorGraph.objects.get().pk == graph.pk  # one new vector: not worth a rebuild
    model_index = vectors.index(model)
    query = model.embed(["seasonal agricultural workers"])[0]
    assert model_index.nearest(query, 1)[0].document_id == newest.pk
    result = search("seasonal agricultural workers", semantic=True)
    assert result.hits[0].document_id == newest.pk
    # similar documents go through the graph too
    some = DocumentVector.objects.order_by("document_id").first().document
    assert similar_documents(some.kind, some.object_id, limit=3)


def small_threshold_dir():
    return vectors.graph_directory()


@pytest.mark.django_db(transaction=True)
def test_the_cli_builds_the_graph(small_threshold):
    from django.core.management import call_command

    for i in range(40):
        services.document_upsert(
            kind="practice",
            object_id=next(_ids),
            title=f"{WORDS[i % 25]} {WORDS[(i * 7) % 25]}",
            body="",
        )
    VectorGraph.objects.all().delete()
    call_command("search_vectors", "--graph")
    assert VectorGraph.objects.get().vectors == 40


@pytest.mark.django_db(transaction=True)
def test_the_candidates_are_reranked_alike_on_the_vector_thread(small_threshold, monkeypatch):
    from migrationhub.search import selectors

    rng = np.random.default_rng(9)
    for _ in range(45):
        words = " ".join(rng.choice(WORDS, 3, replace=False))
        services.document_upsert(
            kind="practice", object_id=next(_ids), title=words.capitalize(), body=words
        )
    assert isinstance(vectors.index(vectors.embedder()), ann.ApproximateIndex)
    threads: list[str] = []
    rerank = ann.ApproximateIndex.rerank

    def recording(self, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return rerank(self, *args, **kwargs)

    monkeypatch.setattr(ann.ApproximateIndex, "rerank", recording)
    for text in ("labour migration", "children education", "climate data"):
        answers = []
        for apart in (False, True):
            monkeypatch.setattr(selectors, "_reads_apart", lambda conn, apart=apart: apart)
            result = search(text, semantic=True, limit=10)
            answers.append([(h.document_id, round(h.score, 6)) for h in result.hits])
        # then the same ranking, re-ranked in the request's thread, then on the vector thread
        assert answers[0] == answers[1] and answers[0]
    assert threads[0] == threading.current_thread().name
    assert threads[1].startswith("query-vector")


def test_a_request_inside_a_transaction_reranks_on_its_own_connection(db):
    from django.db import connection

    from migrationhub.search.selectors import _reads_apart

    # a test's transaction (or any atomic block): another connection would not see its writes
    assert connection.in_atomic_block and not _reads_apart(connection)
