"""The search index: one row per searchable object, plus its facet values.

The index is generic on purpose: domain apps push documents through `search.services`, and the
search app knows nothing about practices or organisations. Full text lives beside these tables in
the database's own engine (SQLite FTS5 tables kept in step by triggers; a PostgreSQL generated
`tsvector` column), see `backends/`.
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
        indexes = [
            models.Index(fields=["facet", "value", "document"], name="search_facet_fvd"),
            models.Index(fields=["document", "facet", "value"], name="search_facet_dfv"),
        ]
