"""Writes to the search index. Domain apps call these after their own writes commit."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction

from .models import Document, DocumentFacet


def _facet_rows(document: Document, facets: Mapping[str, Iterable[str]]) -> list[DocumentFacet]:
    return [
        DocumentFacet(document=document, facet=facet, value=str(value)[:40])
        for facet, values in facets.items()
        for value in dict.fromkeys(str(v) for v in values if v not in (None, ""))
    ]


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
    document, _ = Document.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": title, "body": body, "language": language, "sort_date": sort_date},
    )
    DocumentFacet.objects.filter(document=document).delete()
    DocumentFacet.objects.bulk_create(_facet_rows(document, facets or {}))
    return document


@transaction.atomic
def document_delete(*, kind: str, object_id: int) -> None:
    Document.objects.filter(kind=kind, object_id=object_id).delete()


@transaction.atomic
def documents_bulk_add(rows: Iterable[dict], batch_size: int = 2000) -> int:
    """Insert many new documents at once (demo load, benchmarks). Rows as for document_upsert."""
    count = 0
    batch: list[dict] = []

    def flush():
        docs = Document.objects.bulk_create(
            [
                Document(
                    kind=r["kind"],
                    object_id=r["object_id"],
                    title=r["title"],
                    body=r["body"],
                    language=r.get("language", "en"),
                    sort_date=r.get("sort_date"),
                )
                for r in batch
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
        facets = []
        for doc, row in zip(docs, batch, strict=True):
            facets.extend(_facet_rows(doc, row.get("facets") or {}))
        DocumentFacet.objects.bulk_create(facets, batch_size=10000)

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= batch_size:
            flush()
            batch = []
    if batch:
        flush()
    return count
