"""The search index: one row per searchable object, plus its facet values.

The index is generic on purpose: domain apps push documents through `search.services`, and the
search app knows nothing about practices or organisations. Full text lives beside these tables in
the database's own engine (SQLite FTS5 tables kept in step by triggers; PostgreSQL generated
`tsvector` columns), see `backends/`. Facet values are kept twice: as rows (what a document has;
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
