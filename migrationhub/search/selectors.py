"""The one search: full text with ranking, prefix matching, stemming, highlighted snippets and
facet counts, over whatever documents the domain apps have indexed."""

from collections.abc import Iterable

from django.db import connection

from .backends import SearchResult, backend_for
from .query import parse


def search(
    query: str | None,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, list[str]] | None = None,
    facets: Iterable[str] = (),
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Rank documents matching `query` (all when empty, newest first), filtered by facet values
    (any value within a facet, every facet), with counts for `facets` over all matches."""
    return backend_for(connection).search(
        parse(query), kinds=kinds, filters=filters or {}, facets=facets, limit=limit, offset=offset
    )
