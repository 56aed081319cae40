"""What every app's API router builds on: the error envelope, list pages and facet counts.

Each app's `api.py` declares its routes with `errors(...)` for the error statuses it answers, and
returns `PageMeta.of(page)` with its lists, so every endpoint answers errors and pages alike.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import BaseModel

from .pagination import Page


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


# A plain pydantic model, not a ninja `Schema`: facet counts are dicts (hundreds in a search's
# answer) and a Schema reads each through its ORM attribute getter (at 100k documents, most of
# the search API's serialising time). No docstring: it would become the OpenAPI description.
class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    pages: int

    @staticmethod
    def of(page: Page[Any]) -> dict[str, int]:
        return page.meta()


class SearchSuggestionOut(Schema):
    """Another search to try when one found nothing: `q` spelt as the index spells its words
    (`kind` "spelling"), or without one of its filters ("filter"); `count` results."""

    kind: str
    label: str
    q: str
    filters: dict[str, list[str]]
    count: int


class SearchMeta(PageMeta):
    """The page of a search list, with how the query's words matched: "all" (every result has
    every word), or "some" (fewer than ten records had them all: `all_words` of them; the others
    have some of the words, the closest first); and `suggestions` when nothing was found."""

    match: str
    all_words: int
    suggestions: list[SearchSuggestionOut]


def related_keys(obj: Any, relation: str, key: str) -> list[Any]:
    """The `key` of each row of `obj`'s to-many `relation`, in its order: from the rows a
    prefetch (or `attach_reference`) left, when there are, else queried.

    Why not `obj.<relation>.all()`: Django builds a related manager and a queryset for each
    call (about 15 us): with seven vocabularies on twenty practices, that was half of a search
    answer's serialising time."""
    cache = getattr(obj, "_prefetched_objects_cache", None)
    prefetched = cache.get(relation) if cache else None
    rows = prefetched._result_cache if prefetched is not None else None
    if rows is None:
        rows = getattr(obj, relation).all()
    return [getattr(row, key) for row in rows]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`{status: ErrorOut}` for a route's `response=`: the errors it can answer."""
    return dict.fromkeys(statuses, ErrorOut)
