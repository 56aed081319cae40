"""Writes to the search index. Domain apps call these after their own writes commit.

Each write keeps three things in step, in one transaction: the document row (the full-text indexes
follow it: SQLite triggers, PostgreSQL generated columns), its facet rows, and the facet bitsets
(`FacetBitmap`, see `bitmaps.py`) of the values it gained or lost.
"""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from . import bitmaps
from .models import Document, DocumentFacet, FacetBitmap

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
    document, created = Document.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": title, "body": body, "language": language, "sort_date": sort_date},
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
    return document


@transaction.atomic
def document_delete(*, kind: str, object_id: int) -> None:
    document = Document.objects.filter(kind=kind, object_id=object_id).first()
    if document is None:
        return
    keys = set(DocumentFacet.objects.filter(document=document).values_list("facet", "value"))
    keys.add((KIND_FACET, kind))
    _bitmaps_update({}, {key: [document.pk] for key in keys})
    document.delete()


@transaction.atomic
def documents_bulk_add(rows: Iterable[dict[str, Any]], batch_size: int = 2000) -> int:
    """Insert many new documents at once (demo load, benchmarks). Rows as for document_upsert."""
    count = 0
    batch: list[dict[str, Any]] = []
    added: dict[Key, list[int]] = defaultdict(list)

    def flush() -> None:
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
