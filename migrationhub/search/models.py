"""The search index: one row per searchable object, plus its facet values.

The index is generic on purpose: domain apps push documents through `search.services`, and the
search app knows nothing about practices or organisations. A document keeps its text as written
(shown, highlighted) and as analysed (`title_terms`, `body_terms`: stemmed index terms, see
`analysis.py`); full text over the analysed text lives beside these tables in the database's own
engine (SQLite FTS5 tables kept in step by triggers; PostgreSQL generated `tsvector` columns), see
`backends/`. `Term` holds each index term's document count, a word it stands for (spelling
suggestions) and its champion list (`topk.py`). Facet values are kept twice: as rows (what a document has;
SQL filters) and as one bitset of document ids per value (counting; see `bitmaps.py`), both written
by `search.services` in the same transaction.
"""

from django.db import models


class Document(models.Model):
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    title = models.TextField()
    body = models.TextField()
    language = models.CharField(max_length=10, default="en")
    title_terms = models.TextField(default="")
    body_terms = models.TextField(default="")
    sort_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "search_document"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")
        ]
        indexes = [models.Index(fields=["kind", "sort_date"], name="search_doc_kind_date")]


class DocumentFacet(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=40)

    class Meta:
        db_table = "search_facet"
        # Lookups by document use the foreign key's own index.
        indexes = [models.Index(fields=["facet", "value", "document"], name="search_facet_fvd")]


class FacetBitmap(models.Model):
    """The documents having one facet value, as a bitset (bit i: document id i), little-endian.

    `version` changes (to a random number) on every write, so a process can cache the bitset and
    check it with one cheap query; random rather than a counter so that a rolled-back write can
    never leave a cached bitset looking current. The facet `~kind` holds each document kind.
    """

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=40)
    bits = models.BinaryField(default=b"")
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_facet_bitmap"
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="unique_search_facet_bitmap")
        ]
        # Every search checks its facets' versions: answered from this index alone, without
        # reading past each row's bitset (on SQLite, its overflow pages) to the version.
        indexes = [
            models.Index(fields=["facet", "value", "version"], name="search_bitmap_versions")
        ]


class Term(models.Model):
    """One index term: in how many documents it occurs, the word (as written, lower case) it most
    often stands for, its champions: the documents in which it weighs most (`topk.py`),
    with `floor`, the weakest champion's impact once the list is full, and its postings: every
    document it occurs in (`bitmaps.encode_postings`), so a search matches its words by reading
    a few rows instead of scanning the full-text index (`backends/base.py`); and `impacts`,
    what the score is computed from for every document, in the postings' order
    (`topk.encode_impacts`: PostgreSQL's `ts_rank` of the term; SQLite's weighted frequency and
    document length, as bm25's shares drift with the average length), so a search scores every
    match without reading any text."""

    term = models.CharField(max_length=64, unique=True)
    word = models.CharField(max_length=64, default="")
    documents = models.IntegerField(default=0)
    floor = models.FloatField(default=0.0)
    champions = models.BinaryField(default=b"")
    postings = models.BinaryField(default=b"")
    impacts = models.BinaryField(default=b"")

    class Meta:
        db_table = "search_term"


class IndexState(models.Model):
    """The one row of figures about the whole index: its documents and their analysed tokens
    (bm25's average length), and the analysis (`analysis.VERSION`) its terms were built with."""

    documents = models.IntegerField(default=0)
    tokens = models.BigIntegerField(default=0)
    analysis = models.IntegerField(default=0)

    class Meta:
        db_table = "search_index_state"


class DocumentVector(models.Model):
    """A document's sentence vector (`embedding.py`): float32 little-endian bytes, the same on
    both databases, with the model that computed it. Written after the document's transaction
    commits, by a background task (`tasks.vectors_compute`) or `migrationhub search-vectors`;
    a document whose text changed has none until then (lexical search still finds it)."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    model = models.CharField(max_length=40)
    vector = models.BinaryField()
    # VectorState.seq when written: what the approximate index (VectorGraph) lacks is seq > its own.
    seq = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        db_table = "search_vector"


class VectorGraph(models.Model):
    """The approximate nearest-neighbour index of one model's vectors (`ann.py`, ADR 0012), built
    by a background task once there are many vectors, stored here so that every app server maps
    the same file (copied to its local disk once per build) whatever machine built it. Holds the
    vectors of seq <= `seq`; those written since are searched exactly beside it."""

    model = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    vectors = models.IntegerField()
    data = models.BinaryField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_vector_graph"


class VectorState(models.Model):
    """The one row saying which vectors a process's in-memory index must hold: `version`
    changes (to a random number) on every vector write or removal, as the facet bitsets'."""

    version = models.BigIntegerField(default=0)
    # A counter, one up per vector write: its order is the order writes commit in (they all
    # update this row first, so they wait for each other), which VectorGraph relies on.
    seq = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_vector_state"
