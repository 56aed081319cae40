"""Turn what a person typed into search terms, the same way for every backend, and mark the
matches in what a hit shows.

Each word of a query is analysed (`analysis.query_words`: stemmed by each analyser that may apply,
stop words set apart) into a group of index terms, any of which it matches as a prefix
("recruit" finds "recruitment", "recruiters"). A document matches all the words when it matches
every group; when fewer than a few documents do, the engine also takes those matching some of them
(backends/base.py). Runs of Chinese, Japanese or Korean characters have no spaces to split on:
each pair of characters is a group of its own.

Titles and snippets are highlighted here, in Python, from the same analysis: a word of the
document is marked when its index term matches a group of the query, so both databases mark the
same words.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from . import analysis

MAX_WORDS = 12  # groups searched: the first twelve words that are not stop words
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 30


@dataclass
class ParsedQuery:
    text: str = ""
    groups: list[analysis.QueryWord] = field(default_factory=list)
    stopwords: list[str] = field(default_factory=list)
    language: str | None = None  # detected from the query (analysis.detect_language)
    # the index terms each query term stands for, with their document counts (backends/base.py)
    expansions: dict[str, list[tuple[str, int]]] | None = field(default=None, repr=False)
    # the documents of each index term read from its stored postings (backends/base.py)
    postings: dict[str, int] | None = field(default=None, repr=False)
    # with them, where impacts are stored: {term: (stored postings, stored impacts)}
    impacts: dict[str, tuple[bytes, bytes]] | None = field(default=None, repr=False)

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> list[str]:
        """Every index term of every group (for the any-word query)."""
        return [t for g in self.groups for t in g.terms]

    @property
    def words(self) -> list[str]:
        """The words the query searches for, as typed (no stop words, no CJK pairs)."""
        return [g.text for g in self.groups if not g.cjk]


def parse(text: str | None, interface: str | None = None) -> ParsedQuery:
    """The query's groups: its words that are not stop words (all of them when every word is
    one), at most MAX_WORDS."""
    text = (text or "")[:500]
    words = analysis.query_words(text, interface, max_words=4 * MAX_WORDS)
    kept = [w for w in words if not w.stop] or words
    return ParsedQuery(
        text=text,
        groups=[w for w in kept if w.terms][:MAX_WORDS],
        stopwords=[w.text for w in words if w.stop and w not in kept],
        language=analysis.detect_language(text),
    )


def marked_to_html(text: str | None) -> str:
    """Escape text whose matches are wrapped in MARK_START/MARK_END, then turn those into <mark>."""
    escaped = html.escape(text or "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


class Marker:
    """Finds the words of a document's text that match a query, in the document's language."""

    def __init__(self, parsed: ParsedQuery, language: str | None):
        self.analyser = analysis.analyser(language)
        self.prefixes = tuple(g.primary for g in parsed.groups if g.prefix)
        self.exact = frozenset(
            t for g in parsed.groups for i, t in enumerate(g.terms) if i or not g.prefix
        )
        self._keys: dict[str, str] = {}

    def key(self, span: analysis.Span) -> str:
        """The index term of a span when it matches the query, else ""."""
        word = span[2]
        key = self._keys.get(word)
        if key is None:
            term = word if span[3] else self.analyser.term(word)
            matched = term and (term in self.exact or term.startswith(self.prefixes))
            key = self._keys[word] = term if matched else ""
        return key

    def keys(self, spans: list[analysis.Span]) -> list[str]:
        """`key` of each span: the words seen before answered from the memo in one pass (a
        snippet looks up every word of a document's text)."""
        known = self._keys
        keys = [known.get(s[2]) for s in spans]
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = self.key(spans[i])
        return cast(list[str], keys)

    def word_keys(self, words: list[str]) -> list[str]:
        """`key` of each of `words` (none of them CJK), from the memo where it has them."""
        known = self._keys
        keys = [known.get(w) for w in words]
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = self.key((0, 0, words[i], False))
        return cast(list[str], keys)

    def highlight(self, text: str) -> str:
        """`text` (NFC) with its matches wrapped in markers."""
        text = unicodedata.normalize("NFC", text or "")
        parts = analysis.split_words(text)
        if parts is not None:
            keys = self.word_keys(parts[1::2])
            return _mark_words(parts, keys, 0, len(keys) - 1)
        spans = analysis.spans(text)
        return _mark(text, spans, [bool(k) for k in self.keys(spans)], 0, len(text))

    def snippet(self, text: str, words: int = SNIPPET_WORDS) -> str:
        """About `words` words of `text` around its densest matches (its start when none),
        marked, with "…" where it was cut."""
        text = unicodedata.normalize("NFC", text or "")
        parts = analysis.split_words(text)
        if parts is None:
            return self._snippet_of_spans(text, words)
        count = len(parts) // 2
        if not count:
            return text[:240]
        keys = self.word_keys(parts[1::2])
        # parts[2 * j] is what stands between word j - 1 and word j
        first = _window(keys, words, lambda j: parts[2 * j] if j else ".")
        last = min(count, first + words) - 1
        body = _mark_words(parts, keys, first, last).strip()
        return ("…" if first else "") + body + ("…" if last < count - 1 else "")

    def _snippet_of_spans(self, text: str, words: int) -> str:
        """`snippet` of a text with CJK characters, whose pairs overlap: by their positions."""
        spans = analysis.spans(text)
        if not spans:
            return text[:240]
        keys = self.keys(spans)
        hits = [bool(k) for k in keys]
        first = _window(keys, words, lambda j: text[spans[j - 1][1] : spans[j][0]] if j else ".")
        last = min(len(spans), first + words) - 1
        start = 0 if first == 0 else spans[first][0]
        end = len(text) if last == len(spans) - 1 else spans[last][1]
        body = _mark(text, spans, hits, start, end).strip()
        return ("…" if start else "") + body + ("…" if end < len(text) else "")


def _window(keys: list[str], words: int, between: Callable[[int], str]) -> int:
    """Where a snippet of `words` words starts: a few words before the window holding most of
    the query's words (the first such), at a sentence's start when one begins just before;
    0 when nothing matched. `between(j)` is the text before word j."""
    matched = [i for i, k in enumerate(keys) if k]
    if not matched:
        return 0
    first, best, most = 0, -1, len({keys[i] for i in matched})
    for i in matched:
        distinct = len({k for k in keys[i : i + words] if k})
        if distinct > best:
            best, first = distinct, i
            if best == most:  # no later window can hold more of the query's words
                break
    first = max(0, first - 3)
    # Start a sentence rather than mid-phrase when one begins just before the match.
    for j in range(first, max(0, first - 8), -1):
        gap = between(j)
        if "\n" in gap or gap.strip().endswith((".", "!", "?")):
            return j
    return first


def _mark_words(parts: list[str], keys: list[str], first: int, last: int) -> str:
    """Words `first` to `last` of a text cut by `analysis.split_words` (with what precedes the
    first word when it is the text's first, what follows the last when it is the text's last),
    those with a key wrapped in markers."""
    out = [parts[0]] if first == 0 else []
    for j in range(first, last + 1):
        word = parts[2 * j + 1]
        out += (
            (MARK_START, word, MARK_END, parts[2 * j + 2]) if keys[j] else (word, parts[2 * j + 2])
        )
    if last < len(keys) - 1:
        out.pop()  # the separator after the last word shown
    return "".join(out)


def _mark(text: str, spans: list[analysis.Span], hits: list[bool], start: int, end: int) -> str:
    """text[start:end] with the matching spans wrapped; overlapping or touching CJK pairs are
    wrapped once (`<mark>移民治理</mark>`)."""
    ranges: list[list[int]] = []
    for (first, last, _, cjk), hit in zip(spans, hits, strict=True):
        if not hit or last <= start or first >= end:
            continue
        if ranges and cjk and first <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([max(first, start), min(last, end)])
    out, position = [], start
    for first, last in ranges:
        out += [text[position:first], MARK_START, text[first:last], MARK_END]
        position = last
    out.append(text[position:end])
    return "".join(out)


# -- spelling --------------------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, transpositions of
    neighbours) between `a` and `b`, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            cost = char != other
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest(word: str, vocabulary: list[tuple[str, int]], n: int = 3) -> list[str]:
    """The words of `vocabulary` ((word, documents) pairs) nearest to `word`, accents aside:
    within one edit for words of up to four letters, two for longer ones; nearest first, then
    the commonest. A word equal to `word` once folded is not a correction."""
    target = analysis.fold(word)
    limit = 1 if len(target) <= 4 else 2
    scored = []
    for candidate, documents in vocabulary:
        distance = edit_distance(target, analysis.fold(candidate), limit)
        if 0 < distance <= limit:
            scored.append((distance, -documents, candidate))
    return [candidate for _, _, candidate in sorted(scored)[:n]]
