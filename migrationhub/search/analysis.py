"""Text analysis for search: the words of a text become index terms, the same way when a document
is indexed and when a query is parsed, whatever the database (no Django).

Both full-text engines then match plain tokens: SQLite FTS5 (`unicode61`, no stemming) and
PostgreSQL (the `simple` configuration) index the analysed text this module produces, so the two
give the same matches for the same terms (ADR 0007).

Each word is analysed by the language its script implies: Arabic script by the Arabic analyser,
Cyrillic by the Russian one, and Latin script by the document's language when it is English,
French or Spanish (English otherwise). A word is lower-cased (`casefold`); a stop word of its
language is left out; the rest is stemmed with Snowball (PyStemmer) and its accents and Arabic
diacritics are folded (`éthiques` → `ethiqu`, `أطفال` → `اطفال`); Russian keeps `й` and folds `ё`
to `е`. Chinese, Japanese and Korean runs, which have no spaces between words, become overlapping
character pairs (`移民治理` → `移民 民治 治理`): a word of two or more characters is found by its
pairs, and no segmenter (or dictionary) is needed.

Stop-word lists ship in `stopwords/` (sources in its SOURCES.md). Changing what an analyser
produces changes the index: bump `VERSION`, and `migrationhub search-rebuild` re-analyses every
document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import Stemmer

VERSION = 1
"""The analysis the index was built with (see `search_rebuild`); bump on any change here."""

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
STEMMERS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic", "ru": "russian"}
LATIN = ("en", "fr", "es")  # the UN languages written in Latin script
DEFAULT = "en"  # Latin-script words of a document in another language, and of unknown queries
MAX_TERM = 60  # longer "words" (hashes, runs of digits) are not indexed

# Kana, CJK ideographs (extension A, unified, compatibility) and Hangul syllables.
CJK_RANGES = (
    ("\u3040", "\u30ff"),
    ("\u3400", "\u4dbf"),
    ("\u4e00", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
)
CJK_CLASS = "".join(f"{first}-{last}" for first, last in CJK_RANGES)
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
# Letters and digits, with the combining marks that belong to words (Latin in decomposed form,
# Cyrillic, Arabic harakat): without them a vocalised Arabic word would fall apart.
MARKS = "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
WORD = re.compile(f"(?:[^\\W_]|[{MARKS}])+")
PLAIN_WORD = re.compile(r"[^\W_]+")  # the same on text without combining marks, faster
HAS_MARKS = re.compile(f"[{MARKS}]")
WORD_SPLIT, PLAIN_WORD_SPLIT = (re.compile(f"({w.pattern})") for w in (WORD, PLAIN_WORD))
ASCII_WORD_SPLIT = re.compile(f"({PLAIN_WORD.pattern})", re.ASCII)  # the same on ASCII text
ARABIC_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)

ARABIC_SCRIPT, CYRILLIC_SCRIPT, CJK_SCRIPT, LATIN_SCRIPT, OTHER_SCRIPT = (
    "arabic",
    "cyrillic",
    "cjk",
    "latin",
    "other",
)
LATIN_HINTS = {"es": set("ñ¿¡áíóú"), "fr": set("çœèêëîïûùâ")}


def script_of(char: str) -> str:
    """The script of one character (the first letter of a word decides the word's)."""
    if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u08ff" or "\ufb50" <= char <= "\ufeff":
        return ARABIC_SCRIPT
    if "\u0400" <= char <= "\u052f":
        return CYRILLIC_SCRIPT
    if any(first <= char <= last for first, last in CJK_RANGES):
        return CJK_SCRIPT
    if char.isascii() or "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff":
        return LATIN_SCRIPT
    return OTHER_SCRIPT


def _word_script(word: str) -> str:
    for char in word:
        if char.isalpha():
            return script_of(char)
    return OTHER_SCRIPT


def fold(text: str) -> str:
    """Accents and other combining marks removed (`é` → `e`, `أ` → `ا`), compatibility forms
    unified (Arabic presentation forms, ligatures)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _read_stopwords(code: str) -> frozenset[str]:
    """A list in Snowball's format (`word | comment`) or Lucene's (`# comment` lines); each word
    both as written and folded, so a query typed without accents is treated alike."""
    path = Path(__file__).with_name("stopwords") / f"{code}.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("|", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        word = unicodedata.normalize("NFC", line.split()[0].casefold())
        if code == "ar":
            word = ARABIC_MARKS.sub("", word)
        words.update({word, fold(word)})
    return frozenset(words)


STOPWORDS: dict[str, frozenset[str]] = {code: _read_stopwords(code) for code in STEMMERS}
_STEMMERS = {code: Stemmer.Stemmer(name) for code, name in STEMMERS.items()}


def language_of_word(word: str, latin: str = DEFAULT) -> str | None:
    """The analyser of a (case-folded) word: by its script, and for Latin script `latin`."""
    script = _word_script(word)
    if script == ARABIC_SCRIPT:
        return "ar"
    if script == CYRILLIC_SCRIPT:
        return "ru"
    if script == LATIN_SCRIPT:
        return latin if latin in LATIN else DEFAULT
    return None


def _prepare(word: str, language: str | None) -> str:
    if language == "ar":
        return ARABIC_MARKS.sub("", word)
    if language == "ru":
        return word.replace("ё", "е")
    return word


def is_stopword(word: str, language: str | None) -> bool:
    return language in STOPWORDS and _prepare(word, language) in STOPWORDS[language]


def stem(word: str, language: str | None) -> str:
    """The index form of a case-folded word in `language` (None: not stemmed), stop or not."""
    prepared = _prepare(word, language)
    stemmed = _STEMMERS[language].stemWord(prepared) if language in _STEMMERS else prepared
    return stemmed if language == "ru" else fold(stemmed)


class _Terms(dict):
    """word → index term ("" for a stop word), filled on first use: looked up in C (`map`)."""

    def __init__(self, analyser: Analyser):
        super().__init__()
        self.analyser = analyser

    def __missing__(self, word: str) -> str:
        term = self.analyser.analyse(word)
        if len(self) >= Analyser.CACHE_SIZE:
            self.clear()
        self[word] = term
        if term and term not in self.analyser.words:
            self.analyser.words[term] = word.casefold()[:64]
        return term


class Analyser:
    """Index terms for the words of documents in one language, with a cache of the words seen
    (a corpus has tens of thousands of distinct words, and millions of occurrences), and for
    each term the first word seen that gave it (`words`, for spelling suggestions)."""

    CACHE_SIZE = 300_000

    def __init__(self, language: str):
        self.latin = language if language in LATIN else DEFAULT
        self.words: dict[str, str] = {}
        self._cache = _Terms(self)

    def analyse(self, word: str) -> str:
        """The index term of a word as written, or "" for a stop word (or an overlong one)."""
        folded = word.casefold()
        language = language_of_word(folded, self.latin)
        if is_stopword(folded, language) or len(folded) > MAX_TERM:
            return ""
        return stem(folded, language)

    def term(self, word: str) -> str:
        return self._cache[word]

    def terms(self, text: str, words: dict[str, str] | None = None) -> list[str]:
        """The index terms of `text`, in order; `words` gets, for each term not in it yet, a
        word (case-folded) that gives it."""
        out: list[str] = []
        text = unicodedata.normalize("NFC", text or "")
        pattern = WORD if HAS_MARKS.search(text) else PLAIN_WORD
        position = 0
        for run in CJK_RUN.finditer(text):
            out.extend(
                filter(
                    None, map(self._cache.__getitem__, pattern.findall(text, position, run.start()))
                )
            )
            out.extend(bigrams(run.group()))
            position = run.end()
        out.extend(filter(None, map(self._cache.__getitem__, pattern.findall(text, position))))
        if words is not None:
            for term in set(out).difference(words):
                words[term] = self.words.get(term, term)
        return out


_ANALYSERS: dict[str, Analyser] = {}


def analyser(language: str | None) -> Analyser:
    key = language if language in LATIN else DEFAULT
    if key not in _ANALYSERS:
        _ANALYSERS[key] = Analyser(key)
    return _ANALYSERS[key]


def index_text(text: str, language: str | None) -> str:
    """What the full-text engine indexes for `text` of a document in `language`: its terms,
    separated by spaces."""
    return " ".join(analyser(language).terms(text))


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a CJK run; a single character stays as it is."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


# -- spans, for highlighting ----------------------------------------------------------------------

Span = tuple[int, int, str, bool]
"""(start, end, text, cjk): a word, or a pair (or single character) of a CJK run, of a text."""


def split_words(text: str) -> list[str] | None:
    """`text` (NFC) cut into [separator, word, separator, ..., word, separator] (the words at
    odd places, "".join gives `text` back), or None when it has CJK characters (`spans`). One
    C-level `re.split`: a snippet needs each word of a document but the positions of a few."""
    if text.isascii():  # a flag of the string: no scan for CJK or marks, ASCII classes
        return ASCII_WORD_SPLIT.split(text)
    if CJK_RUN.search(text) is not None:
        return None
    return (WORD_SPLIT if HAS_MARKS.search(text) else PLAIN_WORD_SPLIT).split(text)


def spans(text: str) -> list[Span]:
    """The words and CJK pairs of `text` (NFC) with their positions, in order."""
    if CJK_RUN.search(text) is None:
        words = WORD if HAS_MARKS.search(text) else PLAIN_WORD
        return [(m.start(), m.end(), m.group(), False) for m in words.finditer(text)]
    out: list[Span] = []
    position = 0
    for run in CJK_RUN.finditer(text):
        out.extend(
            (m.start(), m.end(), m.group(), False)
            for m in WORD.finditer(text, position, run.start())
        )
        start = run.start()
        out.extend(
            (start + i, start + i + len(pair), pair, True)
            for i, pair in enumerate(bigrams(run.group()))
        )
        position = run.end()
    out.extend((m.start(), m.end(), m.group(), False) for m in WORD.finditer(text, position))
    return out


# -- queries --------------------------------------------------------------------------------------


def detect_language(text: str) -> str | None:
    """The language a query is written in, when it can be told: by its script (Arabic → ar,
    Cyrillic → ru, Han and other CJK → zh); for Latin script, English, French or Spanish when
    the query's stop words or letters (ñ, ç …) point to one of them, else None."""
    counts = {ARABIC_SCRIPT: 0, CYRILLIC_SCRIPT: 0, CJK_SCRIPT: 0, LATIN_SCRIPT: 0}
    for char in text:
        if char.isalpha():
            script = script_of(char)
            if script in counts:
                counts[script] += 1
    script = max(counts, key=lambda s: counts[s])
    if not counts[script]:
        return None
    if script != LATIN_SCRIPT:
        return {ARABIC_SCRIPT: "ar", CYRILLIC_SCRIPT: "ru", CJK_SCRIPT: "zh"}[script]
    winners = latin_languages(text)
    return winners[0] if len(winners) == 1 else None


def latin_languages(text: str) -> list[str]:
    """The Latin-script languages a text's stop words and letters (ñ, ç …) point to most: one,
    several when they tie, none when nothing points anywhere."""
    words = [w.casefold() for w in WORD.findall(text)]
    votes = {code: sum(w in STOPWORDS[code] for w in words) for code in LATIN}
    letters = set(text.casefold())
    for code, hints in LATIN_HINTS.items():
        votes[code] += 2 * bool(letters & hints)
    best = max(votes.values())
    return [code for code, n in votes.items() if n == best] if best else []


@dataclass(frozen=True)
class QueryWord:
    """One word of a query (or one CJK pair) and the index terms it matches: its stem in the
    query's main language (`terms[0]`, which ranks, and matches as a prefix unless `prefix` is
    False: `recrut` finds `recrutement`), and its stems in the other Latin-script languages, each
    matched whole (`remes`, the Spanish stem of "remesas", finds "remesa" in a Spanish text)."""

    text: str
    terms: tuple[str, ...]
    prefix: bool = True
    stop: bool = False
    cjk: bool = False

    @property
    def primary(self) -> str:
        return self.terms[0]


def query_words(text: str, interface: str | None = None, max_words: int = 12) -> list[QueryWord]:
    """The words of a query, each analysed by every analyser that may apply.

    A word in Arabic or Cyrillic script is analysed as Arabic or Russian. A Latin-script word is
    stemmed in the query's main language (the one its stop words and letters point to, else the
    interface language when written in Latin script, else English), which ranks and matches as a
    prefix, and also in the other Latin-script UN languages, matched whole: a query of one or two
    words ("remesas") often cannot be attributed to a language, and a broad prefix from another
    language's stemmer ("trans" for "transit") would match unrelated words. Stop words are
    those of the interface language and of the languages the query's own stop words point to
    (English when none of these is written in Latin script); a query made only of stop words
    keeps them.
    """
    text = unicodedata.normalize("NFC", (text or "")[:500])
    pointed = latin_languages(text)
    latin_stop = [c for c in dict.fromkeys([interface, *pointed]) if c in LATIN] or [DEFAULT]
    main = pointed[0] if len(pointed) == 1 else (interface if interface in LATIN else DEFAULT)
    latin_order = [main, *(code for code in LATIN if code != main)]
    words: list[QueryWord] = []
    position = 0

    def add_words(segment_end: int | None) -> None:
        for raw in WORD.findall(
            text, position, segment_end if segment_end is not None else len(text)
        ):
            folded = raw.casefold()
            if len(folded) > MAX_TERM:
                continue
            if _word_script(folded) == LATIN_SCRIPT:
                stems = [stem(folded, code) for code in latin_order]
                stop = any(is_stopword(folded, code) for code in latin_stop)
            else:
                language = language_of_word(folded)
                stems = [stem(folded, language)]
                stop = is_stopword(folded, language)
            terms = tuple(dict.fromkeys(t for t in stems if t))
            if terms:
                words.append(QueryWord(folded, terms, prefix=len(terms[0]) > 1, stop=stop))

    for run in CJK_RUN.finditer(text):
        add_words(run.start())
        words.extend(
            QueryWord(pair, (pair,), prefix=len(pair) == 1, cjk=True)
            for pair in bigrams(run.group())
        )
        position = run.end()
    add_words(None)
    unique: dict[tuple, QueryWord] = {}
    for word in words:
        unique.setdefault((word.terms, word.prefix), word)
    return list(unique.values())[:max_words]


def term_matches(term: str, word: QueryWord) -> bool:
    """Whether an index term is one a query word matches."""
    first = word.terms[0]
    return (term.startswith(first) if word.prefix else term == first) or term in word.terms[1:]
