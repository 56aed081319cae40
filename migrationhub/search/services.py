"""Writes to the search index. Domain apps call these after their own writes commit.

Each write keeps four things in step, in one transaction: the document row with its analysed text
(`analysis.py`; the full-text indexes follow it: SQLite triggers, PostgreSQL generated columns),
its facet rows, the facet bitsets (`FacetBitmap`, see `bitmaps.py`) of the values it gained or
lost, and its terms (`Term`: document counts, champion lists, see `topk.py`) with the index's
figures (`IndexState`).
"""

import contextlib
import contextvars
import datetime as dt
import secrets
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q

from migrationhub.core import page_cache

from . import analysis, ann, bitmaps, embedding, topk, vectors
from .backends import Backend, backend_for
from .models import (
    Document,
    DocumentFacet,
    DocumentVector,
    FacetBitmap,
    IndexState,
    Term,
    VectorGraph,
    VectorState,
)

VECTORS_DOMAIN = "vectors"
"""The page cache's domain of pages that show what vectors find (similar records)."""
KIND_FACET = "~kind"  # the bitsets of document kinds; "~" keeps it apart from domain facet names
Key = tuple[str, str]


def _facet_values(facets: Mapping[str, Iterable[str]]) -> list[Key]:
    """(facet, value) pairs as stored: values as text, at most 40 characters, each once."""
    return [
        (facet, value)
        for facet, values in facets.items()
        for value in dict.fromkeys(str(v)[:40] for v in values if v not in (None, ""))
    ]


def _bitmaps_update(added: Mapping[Key, list[int]], removed: Mapping[Key, list[int]]) -> None:
    """Set the `added` and clear the `removed` document ids in each (facet, value) bitset.

    Rows are locked in (facet, value) order, so concurrent writers queue instead of deadlocking
    (PostgreSQL; SQLite has one writer at a time anyway).
    """
    keys = sorted(set(added) | set(removed))
    if not keys:
        return
    FacetBitmap.objects.bulk_create(
        [FacetBitmap(facet=f, value=v) for f, v in keys], ignore_conflicts=True
    )
    rows = FacetBitmap.objects.select_for_update().order_by("facet", "value")
    if len(keys) <= 100:
        match = Q()
        for facet, value in keys:
            match |= Q(facet=facet, value=value)
        rows = rows.filter(match)
    else:
        rows = rows.filter(facet__in={f for f, _ in keys})
    wanted = set(keys)
    changed = []
    for row in rows:
        key = (row.facet, row.value)
        if key not in wanted:
            continue
        bits = bitmaps.from_bytes(row.bits)
        bits |= bitmaps.from_ids(added.get(key, []))
        bits &= ~bitmaps.from_ids(removed.get(key, []))
        row.bits, row.version = bitmaps.to_bytes(bits), secrets.randbits(62)
        changed.append(row)
    FacetBitmap.objects.bulk_update(changed, ["bits", "version"], batch_size=200)


def _analysed(title: str, body: str, language: str, words: dict[str, str]) -> tuple[str, str]:
    analyser = analysis.analyser(language)
    return " ".join(analyser.terms(title, words)), " ".join(analyser.terms(body, words))


@transaction.atomic
def document_upsert(
    *,
    kind: str,
    object_id: int,
    title: str,
    body: str,
    language: str = "en",
    sort_date: dt.date | None = None,
    facets: Mapping[str, Iterable[str]] | None = None,
) -> Document:
    words: dict[str, str] = {}
    title_terms, body_terms = _analysed(title, body, language, words)
    previous = (
        Document.objects.filter(kind=kind, object_id=object_id)
        .values_list("title_terms", "body_terms")
        .first()
    )
    document, created = Document.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title,
            "body": body,
            "language": language,
            "title_terms": title_terms,
            "body_terms": body_terms,
            "sort_date": sort_date,
        },
    )
    old: set[Key] = set()
    if not created:
        old_rows = DocumentFacet.objects.filter(document=document)
        old = set(old_rows.values_list("facet", "value"))
        old_rows.delete()
    new = set(_facet_values(facets or {}))
    DocumentFacet.objects.bulk_create(
        [DocumentFacet(document=document, facet=f, value=v) for f, v in sorted(new)]
    )
    if created:
        new.add((KIND_FACET, kind))
    _bitmaps_update(
        {key: [document.pk] for key in new - old}, {key: [document.pk] for key in old - new}
    )
    _terms_update(document.pk, previous, (title_terms, body_terms), words)
    if previous is None or previous != (title_terms, body_terms) or created:
        # The text changed: its vector is stale until the task computes the new one.
        if DocumentVector.objects.filter(document=document).delete()[0]:
            _vectors_changed()
        _vectors_enqueue([document.pk])
    return document


@transaction.atomic
def document_delete(*, kind: str, object_id: int) -> None:
    document = Document.objects.filter(kind=kind, object_id=object_id).first()
    if document is None:
        return
    keys = set(DocumentFacet.objects.filter(document=document).values_list("facet", "value"))
    keys.add((KIND_FACET, kind))
    _bitmaps_update({}, {key: [document.pk] for key in keys})
    _terms_update(document.pk, (document.title_terms, document.body_terms), None, {})
    had_vector = DocumentVector.objects.filter(document=document).exists()
    document.delete()
    if had_vector:
        _vectors_changed()


# -- terms: document counts, champion lists, the index's figures ---------------------------------

_DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "search_terms_deferred", default=False
)


@contextlib.contextmanager
def terms_deferred() -> Iterator[None]:
    """Writes inside leave the terms alone; they are rebuilt whole at the end (`search-rebuild`,
    where updating the champion lists document by document would cost more than rebuilding)."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    terms_rebuild()


def _frequencies(title_terms: str, body_terms: str) -> tuple[dict[str, tuple[int, int]], int]:
    """Per term, its (title, body) frequency; and the document's length in tokens."""
    title, body = title_terms.split(), body_terms.split()
    in_title, in_body = Counter(title), Counter(body)
    return {t: (in_title[t], in_body[t]) for t in in_title.keys() | in_body.keys()}, len(
        title
    ) + len(body)


def _state() -> IndexState:
    state = IndexState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        IndexState.objects.bulk_create([IndexState(pk=1)], ignore_conflicts=True)
        state = IndexState.objects.select_for_update().get(pk=1)
    return state


def _terms_update(
    document_id: int,
    old: tuple[str, str] | None,
    new: tuple[str, str] | None,
    words: Mapping[str, str],
) -> None:
    """Keep the terms in step with one document's old and new analysed text (None: absent)."""
    if _DEFERRED.get():
        return
    old_terms, old_length = _frequencies(*old) if old else ({}, 0)
    new_terms, new_length = _frequencies(*new) if new else ({}, 0)
    state = _state()
    state.documents += (new is not None) - (old is not None)
    state.tokens += new_length - old_length
    state.save(update_fields=["documents", "tokens"])
    keys = sorted(old_terms.keys() | new_terms.keys())
    if not keys:
        return
    backend = backend_for(connection)
    avgdl = state.tokens / max(state.documents, 1)
    Term.objects.bulk_create(
        [Term(term=t, word=words.get(t, "")) for t in sorted(new_terms.keys() - old_terms.keys())],
        ignore_conflicts=True,
    )
    changed = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in Term.objects.select_for_update().filter(term__in=chunk).order_by("term"):
            term = row.term
            row.documents += (term in new_terms) - (term in old_terms)
            added, impact = [], None
            if term in new_terms:
                impact = backend.impact(*new_terms[term], new_length, avgdl)
                if term in old_terms or impact > row.floor:
                    added = [(impact, document_id)]
            if added or term in old_terms:
                entries = topk.merge(topk.decode(row.champions), added, {document_id})
                row.champions, row.floor = topk.encode(entries), topk.floor(entries)
            if backend.value_width:  # before the postings change: the values follow them
                value = None
                if term in new_terms:
                    value = backend.posting_values(*new_terms[term], new_length, avgdl)
                row.impacts = topk.impacts_changed(
                    row.postings, row.impacts, document_id, value, backend.value_width
                )
            if (term in new_terms) != (term in old_terms):
                bits = bitmaps.decode_postings(row.postings)
                bits = bits | 1 << document_id if term in new_terms else bits & ~(1 << document_id)
                row.postings = bitmaps.encode_postings_of(bits)
            if not row.word and term in words:
                row.word = words[term]
            changed.append(row)
    Term.objects.bulk_update(changed, _term_fields(backend), batch_size=200)


def _term_fields(backend: Backend) -> list[str]:
    """The term columns a write changes (the postings' values only where the backend keeps
    them)."""
    fields = ["documents", "word", "floor", "champions", "postings"]
    return [*fields, "impacts"] if backend.value_width else fields


class _TermsBuilder:
    """Champion lists, document counts and words of many documents at once (bulk loads and
    rebuilds), through `topk.ListsBuilder`."""

    def __init__(self, documents: int, tokens: int):
        self.backend = backend = backend_for(connection)
        values = backend.posting_values if backend.value_width else None
        self.lists = topk.ListsBuilder(backend.impact, documents, tokens, values)
        self.words: dict[str, str] = {}

    @property
    def documents(self) -> int:
        return self.lists.documents

    @property
    def tokens(self) -> int:
        return self.lists.tokens

    def add(self, document_id: int, title_terms: str, body_terms: str) -> None:
        self.lists.add(document_id, title_terms.split(), body_terms.split())

    def merge_into_terms(self, avgdl: float | None = None) -> int:
        """Add to the stored terms (new documents only); returns how many terms were written."""
        built = self.lists.lists(avgdl)
        names = sorted(built)
        existing: dict[str, Term] = {}
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            existing.update(
                (t.term, t)
                for t in Term.objects.select_for_update().filter(term__in=chunk).order_by("term")
            )
        changed, created = [], []
        for name in names:
            data, floor, documents, postings, impacts = built[name]
            row = existing.get(name)
            if row is None:
                row = Term(term=name, word=self.words.get(name, "")[:64], postings=postings)
                row.champions, row.floor, row.impacts = data, floor, impacts
                created.append(row)
            else:
                row.champions, row.floor = topk.merge_stored(row.champions, data)
                if impacts:
                    row.impacts = topk.impacts_merged(
                        row.postings, row.impacts, postings, impacts, self.backend.value_width
                    )
                row.postings = bitmaps.encode_postings_of(
                    bitmaps.decode_postings(row.postings) | bitmaps.decode_postings(postings)
                )
                changed.append(row)
            row.documents += documents
            if not row.word:
                row.word = self.words.get(name, "")[:64]
        Term.objects.bulk_create(created, batch_size=500)
        Term.objects.bulk_update(changed, _term_fields(self.backend), batch_size=200)
        return len(names)


def terms_rebuild() -> int:
    """Recompute every term (document counts, champion lists, words) and the index's figures
    from the documents' analysed text; returns the number of terms."""
    with transaction.atomic():
        rows = Document.objects.order_by("pk").values_list("pk", "title_terms", "body_terms")
        documents = tokens = 0
        for _, title_terms, body_terms in rows.iterator(chunk_size=2000):
            documents += 1
            tokens += len(title_terms.split()) + len(body_terms.split())
        avgdl = tokens / max(documents, 1)
        builder = _TermsBuilder(0, 0)
        for pk, title_terms, body_terms in rows.iterator(chunk_size=2000):
            builder.add(pk, title_terms, body_terms)
        builder.words = _words_of_terms(set(builder.lists.index))
        Term.objects.all().delete()
        count = builder.merge_into_terms(avgdl)
        state = _state()
        state.documents, state.tokens, state.analysis = documents, tokens, analysis.VERSION
        state.save()
        return count


def _words_of_terms(terms: set[str]) -> dict[str, str]:
    """A word each term stands for: as stored before, else the first seen in the documents' text
    as written."""
    words = {t: w for t, w in Term.objects.values_list("term", "word") if w and t in terms}
    if len(words) >= len(terms):
        return words
    rows = Document.objects.values_list("title", "body", "language")
    for title, body, language in rows.iterator(chunk_size=2000):
        analyser = analysis.analyser(language)
        analyser.terms(title, words)
        analyser.terms(body, words)
        if len(words) >= len(terms):
            break
    return words


@transaction.atomic
def documents_reanalyse() -> int:
    """Analyse every document's text again (after `analysis.VERSION` changed); returns how many."""
    batch: list[Document] = []
    count = 0
    for document in (
        Document.objects.order_by("pk")
        .only("pk", "title", "body", "language")
        .iterator(chunk_size=2000)
    ):
        document.title_terms, document.body_terms = _analysed(
            document.title, document.body, document.language, {}
        )
        batch.append(document)
        count += 1
        if len(batch) >= 2000:
            Document.objects.bulk_update(batch, ["title_terms", "body_terms"])
            batch = []
    if batch:
        Document.objects.bulk_update(batch, ["title_terms", "body_terms"])
    return count


@transaction.atomic
def documents_bulk_add(rows: Iterable[dict[str, Any]], batch_size: int = 2000) -> int:
    """Insert many new documents at once (demo load, benchmarks). Rows as for document_upsert."""
    count = 0
    batch: list[dict[str, Any]] = []
    new_ids: list[int] = []
    added: dict[Key, list[int]] = defaultdict(list)
    state = _state()
    terms = _TermsBuilder(state.documents, state.tokens)

    def flush() -> None:
        analysed = [
            _analysed(r["title"], r["body"], r.get("language", "en"), terms.words) for r in batch
        ]
        docs = Document.objects.bulk_create(
            [
                Document(
                    kind=r["kind"],
                    object_id=r["object_id"],
                    title=r["title"],
                    body=r["body"],
                    language=r.get("language", "en"),
                    title_terms=title_terms,
                    body_terms=body_terms,
                    sort_date=r.get("sort_date"),
                )
                for r, (title_terms, body_terms) in zip(batch, analysed, strict=True)
            ]
        )
        if any(d.pk is None for d in docs):  # backends without RETURNING ids
            keys = {(r["kind"], r["object_id"]) for r in batch}
            by_key = {
                (d.kind, d.object_id): d
                for d in Document.objects.filter(object_id__in=[k[1] for k in keys])
                if (d.kind, d.object_id) in keys
            }
            docs = [by_key[(r["kind"], r["object_id"])] for r in batch]
        new_ids.extend(d.pk for d in docs)
        facets = []
        deferred = _DEFERRED.get()
        for doc, row, (title_terms, body_terms) in zip(docs, batch, analysed, strict=True):
            if not deferred:
                terms.add(doc.pk, title_terms, body_terms)
            added[(KIND_FACET, doc.kind)].append(doc.pk)
            for key in _facet_values(row.get("facets") or {}):
                facets.append((doc.pk, *key))
                added[key].append(doc.pk)
        # Plain tuples, many rows per INSERT: building 15 model instances per document, or one
        # statement per row on PostgreSQL, was most of the load time.
        with connection.cursor() as cursor:
            for start in range(0, len(facets), 1000):
                chunk = facets[start : start + 1000]
                cursor.execute(
                    "INSERT INTO search_facet (document_id, facet, value) VALUES "
                    + ", ".join(["(%s, %s, %s)"] * len(chunk)),
                    [v for row in chunk for v in row],
                )

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= batch_size:
            flush()
            batch = []
    if batch:
        flush()
    _bitmaps_update(added, {})
    _vectors_enqueue(new_ids)
    if not _DEFERRED.get():
        terms.merge_into_terms()
        state.documents, state.tokens = terms.documents, terms.tokens
        state.save(update_fields=["documents", "tokens"])
    return count


@transaction.atomic
def bitmaps_rebuild() -> int:
    """Recompute every facet bitset from the documents and their facet rows (after a full re-index
    or a migration). Returns the number of bitsets."""
    ids: dict[Key, list[int]] = defaultdict(list)
    for pk, kind in Document.objects.values_list("pk", "kind").iterator(chunk_size=10000):
        ids[(KIND_FACET, kind)].append(pk)
    rows = DocumentFacet.objects.values_list("facet", "value", "document_id")
    for facet, value, pk in rows.iterator(chunk_size=10000):
        ids[(facet, value)].append(pk)
    FacetBitmap.objects.all().delete()
    FacetBitmap.objects.bulk_create(
        [
            FacetBitmap(
                facet=facet,
                value=value,
                bits=bitmaps.to_bytes(bitmaps.from_ids(pks)),
                version=secrets.randbits(62),
            )
            for (facet, value), pks in sorted(ids.items())
        ],
        batch_size=200,
    )
    return len(ids)


# -- vectors (semantic search, ADR 0008) ----------------------------------------------------------

VECTOR_BATCH = 64


def _vectors_changed() -> int:
    """Tell every process that its in-memory vector index is stale (VectorState.version), and
    return the next write sequence number (VectorState.seq) for the vectors about to be written.
    Call it before writing them, inside their transaction: the row stays locked until commit."""
    updated = VectorState.objects.filter(pk=1).update(
        version=secrets.randbits(62), seq=F("seq") + 1
    )
    if not updated:
        VectorState.objects.bulk_create(
            [VectorState(pk=1, version=secrets.randbits(62), seq=1)], ignore_conflicts=True
        )
    return int(VectorState.objects.filter(pk=1).values_list("seq", flat=True).get())


_VECTORS_DEFERRED: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "search_vectors_deferred", default=None
)


@contextlib.contextmanager
def vectors_deferred() -> Iterator[None]:
    """Writes inside ask for their documents' vectors together at the end, in batches the
    model embeds at once (a demo or an import writes a hundred documents one at a time: as
    many tasks of one document each took longer than embedding them all). Nothing is asked
    for when the block fails."""
    pending: list[int] = []
    token = _VECTORS_DEFERRED.set(pending)
    try:
        yield
    finally:
        _VECTORS_DEFERRED.reset(token)
    _vectors_enqueue(list(dict.fromkeys(pending)))


def _vectors_enqueue(document_ids: list[int]) -> None:
    """Compute the documents' vectors once the current transaction commits (a background task;
    nothing when semantic search is off)."""
    if not document_ids or vectors.embedder() is None:
        return
    deferred = _VECTORS_DEFERRED.get()
    if deferred is not None:
        deferred.extend(document_ids)
        return
    from .tasks import vectors_compute

    def enqueue(chunk: list[int]) -> Callable[[], object]:
        return lambda: vectors_compute.enqueue(chunk)

    for start in range(0, len(document_ids), VECTOR_BATCH * 4):
        transaction.on_commit(enqueue(document_ids[start : start + VECTOR_BATCH * 4]))


def vectors_compute(document_ids: Iterable[int], *, graph: bool = True) -> int:
    """Compute and store the vectors of these documents (those still present) with the
    configured embedder; returns how many. Each batch is its own short transaction: the model
    runs outside any lock. Then, unless `graph` is false (bulk runs build it once at the end),
    the approximate index is rebuilt in the background when it is due."""
    model = vectors.embedder()
    if model is None:
        return 0
    ids = sorted(set(document_ids))
    done = 0
    for start in range(0, len(ids), VECTOR_BATCH):
        rows = list(
            Document.objects.filter(pk__in=ids[start : start + VECTOR_BATCH]).values_list(
                "pk", "title", "body"
            )
        )
        if not rows:
            continue
        matrix = model.embed([embedding.document_text(t, b) for _, t, b in rows])
        with transaction.atomic():
            seq = _vectors_changed()
            present = set(
                Document.objects.filter(pk__in=[pk for pk, _, _ in rows]).values_list(
                    "pk", flat=True
                )
            )
            DocumentVector.objects.filter(document_id__in=present).delete()
            DocumentVector.objects.bulk_create(
                [
                    DocumentVector(
                        document_id=pk, model=model.name, vector=embedding.to_bytes(vector), seq=seq
                    )
                    for (pk, _, _), vector in zip(rows, matrix, strict=True)
                    if pk in present
                ]
            )
        done += len(present)
    if done:
        # Pages that show similar records were stored before these vectors existed.
        page_cache.changed(VECTORS_DOMAIN)
    if graph and done and vector_graph_due(model.name):
        from .tasks import vector_graph_build as build_task

        transaction.on_commit(lambda: build_task.enqueue(model.name))
    return done


def vector_graph_due(model_name: str) -> bool:
    """Whether the approximate index of `model_name`'s vectors should be (re)built: there are at
    least `vectors.ann_min()` of them, and no graph yet or more written since the last than
    GRAPH_STALE of them (searched exactly until then: a cost that grows with their number)."""
    total = DocumentVector.objects.filter(model=model_name).count()
    if total < vectors.ann_min():
        return False
    latest = VectorGraph.objects.filter(model=model_name).order_by("-seq").values("seq").first()
    if latest is None:
        return True
    newer = DocumentVector.objects.filter(model=model_name, seq__gt=latest["seq"]).count()
    return newer > max(GRAPH_STALE_MIN, GRAPH_STALE * total)


GRAPH_STALE = 0.02
GRAPH_STALE_MIN = 500


def vector_graph_build(
    model_name: str | None = None, *, progress: Callable[[int, int], bool] | None = None
) -> VectorGraph | None:
    """Build the approximate index of every stored vector of the model (default: the configured
    embedder's) and store it, replacing the previous one; None when there are no vectors. The
    vectors are read in one query, so the graph holds exactly those of seq <= its `seq`."""
    if model_name is None:
        model = vectors.embedder()
        if model is None:
            return None
        model_name = model.name
    ids, matrix, seq = vectors.read_all(model_name)
    if not len(ids):
        return None
    with tempfile.TemporaryDirectory() as directory:
        path = ann.build(ids, matrix, Path(directory) / "graph.usearch", progress=progress)
        data = path.read_bytes()
    with transaction.atomic():
        graph = VectorGraph.objects.create(model=model_name, seq=seq, vectors=len(ids), data=data)
        VectorGraph.objects.filter(model=model_name).exclude(pk=graph.pk).delete()
        _vectors_changed()  # every process maps the new graph at its next search
    return graph


def vectors_missing(limit: int | None = None) -> list[int]:
    """Documents without a vector of the configured model (new, changed, or another model's)."""
    model = vectors.embedder()
    if model is None:
        return []
    current = DocumentVector.objects.filter(model=model.name).values("document_id")
    ids = Document.objects.exclude(pk__in=current).order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)
