"""The embedder this process uses and its in-memory index, kept current against the database.

`embedder()` is chosen by the MIGRATIONHUB_EMBEDDER setting: "use" (the production model,
`embedding.UniversalSentenceEncoder`), "hashing" (the test double) or "" (no semantic search:
lexical only). `index()` returns the exact index of every stored vector of that model, read again
only when `search_vector_state.version` changed (one small query per search), like the facet
bitsets (`backends.base.BitmapCache`).
"""

from __future__ import annotations

import functools
import os
import threading

import numpy as np
from django.conf import settings
from django.db import connection

from . import embedding

_LOCK = threading.Lock()
_INDEXES: dict[tuple[str, str, str], tuple[int, embedding.VectorIndex]] = {}


@functools.cache
def _embedder(kind: str) -> embedding.Embedder | None:
    if kind == "use":
        return embedding.UniversalSentenceEncoder()
    if kind == "hashing":
        return embedding.HashingEmbedder()
    return None


def embedder() -> embedding.Embedder | None:
    """The configured embedder, or None when semantic search is off: the setting
    MIGRATIONHUB_EMBEDDER if a settings module sets it, else the environment variable of that
    name, else "use"."""
    kind = getattr(settings, "MIGRATIONHUB_EMBEDDER", None)
    if kind is None:
        kind = os.environ.get("MIGRATIONHUB_EMBEDDER", "use")
    return _embedder(kind.strip().lower())


def version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM search_vector_state WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def index(model: embedding.Embedder) -> embedding.VectorIndex:
    """Every stored vector of `model`, as of the database's current version."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")), model.name)
    current = version()
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] == current:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_id, vector FROM search_vector WHERE model = %s ORDER BY document_id",
            [model.name],
        )
        rows = cursor.fetchall()
    ids = [int(pk) for pk, _ in rows]
    matrix = (
        np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype="<f4").reshape(
            len(rows), model.dimensions
        )
        if rows
        else np.zeros((0, model.dimensions), dtype=np.float32)
    )
    built = embedding.VectorIndex(ids, matrix)
    with _LOCK:
        _INDEXES[key] = (current, built)
    return built
