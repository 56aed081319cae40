"""Faceted search, declared once per kind of record and rendered by one set of templates.

An app declares what its list offers (`FacetedSearch`: the index kind, its facets with their
titles and the vocabulary that labels their values, and how to load its objects) and calls
`run()` from its page and its API; `search/_facets.html` renders the filters and
`core/_pagination.html` the pages. No app assembles labels and counts by hand (as datasette's
facets do for every table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from migrationhub.core.pagination import Page, clamp
from migrationhub.taxonomy.selectors import vocabulary_choices

from .backends import Hit
from .selectors import search, spelling_suggestions
from .services import KIND_FACET

__all__ = ["KIND_FACET", "Facet", "FacetedResult", "FacetedSearch"]

FOLD_AFTER = 8  # values after the eighth fold under "More" in the filters


@dataclass(frozen=True)
class Facet:
    """One filter of a list: `name` is the index's facet and the query parameter; values are
    labelled from the taxonomy `vocabulary` (or are their own label, e.g. years)."""

    name: str
    title: Any  # a lazy translation
    vocabulary: str = ""
    newest_first: bool = False  # order values by value, descending (years), not by count
    upper: bool = False  # codes written in capitals (ISO 3166): accept any case
    labels: Mapping[str, Any] = field(default_factory=dict)  # fixed labels, without a vocabulary
    # The index's facet when it is not `name`: KIND_FACET makes this the kind of record, for a
    # list of several kinds (`FacetedSearch.more_kinds`).
    index: str = ""

    @property
    def key(self) -> str:
        return self.index or self.name


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetView:
    name: str
    title: Any
    values: list[FacetValue]

    @property
    def more_selected(self) -> bool:
        """A chosen value is folded under "More": the template opens it so it is never hidden."""
        return any(v.selected for v in self.values[FOLD_AFTER:])


@dataclass
class Result:
    """A record of the list with its search hit (title and snippet highlighted)."""

    object: Any
    hit: Hit

    @property
    def title_html(self) -> str:
        return self.hit.title_html

    @property
    def snippet_html(self) -> str:
        return self.hit.snippet_html


@dataclass
class Suggestion:
    """Another search to try when one found nothing: the same words spelt as in the index
    ("spelling"), or the same search without one of its filters ("filter")."""

    kind: str
    label: str
    query: str
    filters: dict[str, list[str]]
    count: int

    @property
    def querystring(self) -> str:
        """The list's query string for this search (the links of `search/_notice.html`)."""
        pairs = [("q", self.query)] if self.query else []
        pairs += [(name, value) for name, values in self.filters.items() for value in values]
        return urlencode(pairs)


@dataclass
class FacetedResult:
    query: str
    filters: dict[str, list[str]]
    page: Page[Result]
    facets: list[FacetView] = field(default_factory=list)
    # "some": fewer than a few records had every word, so records with some of them are listed
    # (the best partial matches first); `all_words` of them have every word.
    match: str = "all"
    all_words: int = 0
    suggestions: list[Suggestion] = field(default_factory=list)  # when nothing was found
    # Matches of the kinds listed beside the main one (`FacetedSearch.more_kinds`), counted
    # when the list declares a kind facet.
    other_kinds: int = 0

    @property
    def total(self) -> int:
        return self.page.count

    @property
    def active_filters(self) -> bool:
        return any(self.filters.values())

    @property
    def some_words(self) -> bool:
        return self.match == "some" and self.total > 0

    @property
    def spelling(self) -> list[Suggestion]:
        return [s for s in self.suggestions if s.kind == "spelling"]

    @property
    def broader(self) -> list[Suggestion]:
        return [s for s in self.suggestions if s.kind == "filter"]

    def meta(self) -> dict[str, Any]:
        """What the API answers in `meta` (core.schemas.SearchMeta): the page, how the words
        matched, and the suggestions."""
        return {
            **self.page.meta(),
            "match": self.match,
            "all_words": self.all_words,
            "suggestions": [
                {
                    "kind": s.kind,
                    "label": s.label,
                    "q": s.query,
                    "filters": s.filters,
                    "count": s.count,
                }
                for s in self.suggestions
            ],
        }

    def facet_counts(self) -> dict[str, list[dict[str, Any]]]:
        """What the API answers: per facet, the values that match, with label and count."""
        return {
            f.name: [
                {"value": v.value, "label": v.label, "count": v.count} for v in f.values if v.count
            ]
            for f in self.facets
        }


@dataclass(frozen=True)
class FacetedSearch:
    kind: str
    facets: tuple[Facet, ...]
    load: Callable[[list[int]], Mapping[int, Any]]  # ids -> objects, e.g. a queryset's in_bulk
    # (facet, values): the documents with the first value are listed before those with the
    # second, and so on, each group in its own order (relevance, or newest first); e.g. the
    # directory lists verified organisations first. Every document must have one of the values.
    tiers: tuple[str, tuple[str, ...]] | None = None
    # Other kinds of record listed beside `kind`, each with its loader (ids -> objects); a facet
    # with index=KIND_FACET lets the visitor choose among them.
    more_kinds: Mapping[str, Callable[[list[int]], Mapping[int, Any]]] = field(default_factory=dict)
    # Hybrid ranking (lexical and sentence vectors, ADR 0008) for a query, where vectors exist.
    semantic: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facets)

    @property
    def kinds(self) -> list[str]:
        return [self.kind, *self.more_kinds]

    def _scope(self, chosen: Mapping[str, list[str]]) -> tuple[list[str], dict[str, list[str]]]:
        """The kinds to search and the index filters, from the chosen values of each facet."""
        kinds = self.kinds
        filters: dict[str, list[str]] = {}
        for facet in self.facets:
            values = list(chosen.get(facet.name, []))
            if facet.index == KIND_FACET:
                if values:
                    kinds = [k for k in kinds if k in values] or ["~none"]
            elif values:
                filters[facet.key] = values
        return kinds, filters

    def filters_from(self, params: QueryDict | Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
        """The chosen values of each facet, from a query string (repeated parameters) or a
        mapping of lists (an API schema's fields)."""
        filters = {}
        for facet in self.facets:
            if isinstance(params, QueryDict):
                raw = params.getlist(facet.name)
            else:
                raw = list(params.get(facet.name) or [])
            values = [str(v).strip() for v in raw if str(v).strip()]
            filters[facet.name] = [v.upper() for v in values] if facet.upper else values
        return filters

    def run(
        self,
        query: str | None,
        filters: Mapping[str, list[str]],
        *,
        page: int = 1,
        page_size: int = 20,
        load: Callable[[list[int]], Mapping[int, Any]] | None = None,
    ) -> FacetedResult:
        """Ranked matches of `query` within `filters` (OR within a facet, AND across), with the
        count of every facet value over all matches, and the page's objects (loaded by `load`
        when a caller shows less of them than the declaration's loader reads)."""
        page, page_size = clamp(page, page_size)
        chosen = {name: list(filters.get(name, [])) for name in self.names}
        kinds, index_filters = self._scope(chosen)
        result = search(
            query,
            kinds=kinds,
            filters=index_filters,
            facets=tuple(f.key for f in self.facets),
            limit=0 if self.tiers else page_size,
            offset=(page - 1) * page_size,
            semantic=self.semantic and not self.tiers,
        )
        if self.tiers:
            hits, grouped = self._tiered_hits(
                query, chosen, page_size, (page - 1) * page_size, result.match
            )
            if grouped == result.total:
                result.hits = hits
            else:  # an index written before the facet existed: untiered until search-rebuild
                result.hits = search(
                    query,
                    kinds=kinds,
                    filters=index_filters,
                    limit=page_size,
                    offset=(page - 1) * page_size,
                    match=result.match,
                ).hits
        loaders = {self.kind: load or self.load, **self.more_kinds}
        objects = {
            kind: loader([h.object_id for h in result.hits if h.kind == kind])
            for kind, loader in loaders.items()
            if any(h.kind == kind for h in result.hits)
        }
        items = [
            Result(objects[h.kind][h.object_id], h)
            for h in result.hits
            if h.object_id in objects.get(h.kind, {})
        ]
        choices = vocabulary_choices() if result.facets else {}
        views = []
        for facet in self.facets:
            labels = dict(choices.get(facet.vocabulary, [])) if facet.vocabulary else {}
            labels.update({value: str(label) for value, label in facet.labels.items()})
            selected = set(chosen[facet.name])
            values = [
                FacetValue(v, labels.get(v, v), n, v in selected)
                for v, n in result.facets.get(facet.key, [])
            ]
            present = {v.value for v in values}
            values += [FacetValue(v, labels.get(v, v), 0, True) for v in sorted(selected - present)]
            if facet.newest_first:
                values.sort(key=lambda v: v.value, reverse=True)
            views.append(FacetView(facet.name, facet.title, values))
        query = (query or "").strip()
        return FacetedResult(
            query=query,
            filters=chosen,
            page=Page.of(items, result.total, page, page_size),
            facets=views,
            match=result.match,
            all_words=result.all_words,
            suggestions=self.suggestions(query, chosen, views) if not result.total else [],
            other_kinds=sum(n for k, n in result.facets.get(KIND_FACET, []) if k != self.kind),
        )

    def suggestions(
        self, query: str, chosen: Mapping[str, list[str]], views: list[FacetView]
    ) -> list[Suggestion]:
        """For a search that found nothing: the query spelt as the index spells its words, and
        the same search without each of its filters (and without any), where that finds
        something. Never a dead end unless the index holds nothing like it."""
        found: list[Suggestion] = []
        kinds, index_filters = self._scope(chosen)
        for text, count in spelling_suggestions(query, kinds=kinds, filters=index_filters):
            found.append(Suggestion("spelling", text, text, _non_empty(chosen), count))
        titles = {v.name: v for v in views}
        chosen_pairs = [(name, value) for name, values in chosen.items() for value in values]
        for name, value in chosen_pairs[:8]:
            broader = {n: [v for v in vs if (n, v) != (name, value)] for n, vs in chosen.items()}
            broader_kinds, broader_filters = self._scope(broader)
            count = search(query, kinds=broader_kinds, filters=broader_filters, limit=0).total
            if count:
                view = titles.get(name)
                label = (
                    next((v.label for v in view.values if v.value == value), value)
                    if view
                    else value
                )
                title = view.title if view else name
                found.append(
                    Suggestion("filter", f"{title}: {label}", query, _non_empty(broader), count)
                )
        if len(chosen_pairs) > 1:
            count = search(query, kinds=self.kinds, limit=0).total
            if count:
                found.append(Suggestion("filter", _("all filters"), query, {}, count))
        return found

    def _tiered_hits(
        self,
        query: str | None,
        chosen: Mapping[str, list[str]],
        limit: int,
        offset: int,
        match: str | None = None,
    ) -> tuple[list[Any], int]:
        """The page `offset`..`offset + limit` of the matches, group after group (`tiers`), one
        search per group; and how many matches the groups hold (all of them, unless some
        documents lack the facet)."""
        assert self.tiers is not None
        facet, values = self.tiers
        hits: list[Any] = []
        grouped = 0
        for value in values:
            if chosen.get(facet) and value not in chosen[facet]:
                continue
            group = search(
                query,
                kinds=[self.kind],
                filters={**chosen, facet: [value]},
                facets=(),
                limit=limit - len(hits),
                offset=offset,
                match=match,  # as the whole search matched: every tier alike
            )
            hits += group.hits
            grouped += group.total
            offset = max(0, offset - group.total)
        return hits, grouped


def _non_empty(filters: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {name: values for name, values in filters.items() if values}
