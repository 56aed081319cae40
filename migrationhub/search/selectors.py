"""The one search: full text with ranking, prefix matching, stemming and stop words in the six UN
languages, highlighted snippets and facet counts, over whatever documents the domain apps have
indexed; and what to suggest when a search finds nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import translation

from . import analysis
from .backends import SearchResult, backend_for
from .query import closest, parse

SUGGESTIONS = 3  # spelling suggestions offered for a query that found nothing


def interface_language() -> str | None:
    """The language of the page or API request (its two-letter code), for query analysis."""
    language = (translation.get_language() or "").split("-")[0].lower()
    return language if language in analysis.LANGUAGES else None


def search(
    query: str | None,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, list[str]] | None = None,
    facets: Iterable[str] = (),
    limit: int = 20,
    offset: int = 0,
    match: str | None = None,
    language: str | None = None,
) -> SearchResult:
    """Rank documents matching `query` (all when empty, newest first), filtered by facet values
    (any value within a facet, every facet), with counts for `facets` over all matches.

    Every word of the query must match, unless fewer than `backends.base.FEW` documents have them
    all: then documents with any of the words are ranked too (`result.match == "some"`); `match`
    forces either ("all", "some"). Words are analysed for the interface `language` (default: the
    active one) and the language the query's script shows (analysis.py)."""
    return backend_for(connection).search(
        parse(query, language or interface_language()),
        kinds=kinds,
        filters=filters or {},
        facets=facets,
        limit=limit,
        offset=offset,
        match=match,
    )


def spelling_suggestions(
    query: str | None,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, list[str]] | None = None,
    language: str | None = None,
) -> list[tuple[str, int]]:
    """Queries like `query` with its unknown words replaced by the closest words of the index
    (edit distance, then how common), each with how many documents it finds within `kinds` and
    `filters`; at most SUGGESTIONS, the most found first. Empty when every word is known."""
    parsed = parse(query, language or interface_language())
    words = [g.text for g in parsed.groups if not g.cjk]
    if not words:
        return []
    backend = backend_for(connection)
    known = {g.text for g, found in zip(parsed.groups, backend.known(parsed), strict=True) if found}
    unknown = [w for w in words if w not in known]
    if not unknown:
        return []
    with connection.cursor() as cursor:
        options = {word: closest(word, _vocabulary(cursor, word)) for word in unknown}
    candidates: list[str] = []
    text = parsed.text
    for rank in range(SUGGESTIONS):
        replaced = text
        changed = False
        for word in unknown:
            choices = options[word]
            if choices:
                replacement = choices[min(rank, len(choices) - 1)]
                replaced = _replace_word(replaced, word, replacement)
                changed = True
        if changed and replaced not in candidates and replaced != text:
            candidates.append(replaced)
    found = []
    for candidate in candidates:
        total = search(candidate, kinds=kinds, filters=filters, limit=0, language=language).total
        if total:
            found.append((candidate, total))
    return sorted(found, key=lambda item: -item[1])[:SUGGESTIONS]


def _vocabulary(cursor: CursorWrapper, word: str) -> list[tuple[str, int]]:
    """Words of the index that may be within two edits of `word`: of a similar length, and
    sharing its first or its second letter (a typo rarely changes both)."""
    n = len(word)
    cursor.execute(
        "SELECT word, documents FROM search_term WHERE documents > 0 AND word != ''"
        " AND length(word) BETWEEN %s AND %s"
        " AND (substr(word, 1, 1) = %s OR substr(word, 2, 1) = %s)",
        [max(1, n - 2), n + 2, word[:1], word[1:2]],
    )
    return [(w, int(d)) for w, d in cursor.fetchall()]


def _replace_word(text: str, word: str, replacement: str) -> str:
    """`text` with the first occurrence of `word` (case-insensitive, whole word) replaced."""
    for match in analysis.WORD.finditer(text):
        if match.group().casefold() == word:
            return text[: match.start()] + replacement + text[match.end() :]
    return text
