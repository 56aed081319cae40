"""A bridge between languages through the reference vocabularies, for short queries.

Why: the sentence model (ADR 0008) carries sentences across languages but single words poorly:
"remesas" alone lies as far from every remittance practice (cosine 0.09) as from anything else,
and the practices are in English, so the words find nothing either. The Global Compact's
objectives, areas of cooperation and guiding principles have official titles in the six UN
languages (`taxonomy`). A short query whose words name one of them in another language
("remesas" is a word of objective 20's Spanish title and of no other) is embedded together with
the distinctive English words of that concept's title ("remittances financial inclusion"),
which the model places among the practices it is about.

A word counts only when it is distinctive: in the titles of at most DISTINCTIVE concepts of its
language, and not an English title word (English queries need no bridge). The titles are read
once per process while the reference data are unchanged (`taxonomy.selectors`).
"""

from __future__ import annotations

from collections import defaultdict

from migrationhub.core import page_cache
from migrationhub.taxonomy import selectors as taxonomy

from . import analysis

VOCABULARIES = ("objectives", "areas", "principles")
DISTINCTIVE = 2  # a word in more concepts' titles than this says too little
SHORT = 4  # queries of more words than this are sentences the model handles as they are
MOST = 2  # concepts whose titles a query brings in, at most


def expansion(text: str, interface: str | None = None) -> str:
    """English words for the concepts the short query `text` names in another language, to
    embed with it; "" when it names none (or is long, or English)."""
    words = analysis.WORD.findall(text or "")
    if not words or len(words) > SHORT:
        return ""
    table = _table()
    scores: dict[str, float] = defaultdict(float)
    for language in _languages(text, interface):
        by_term = table.get(language, {})
        for term in set(analysis.analyser(language).terms(text)):
            if language != "en" and term in table["en-terms"]:
                continue  # an English word (or one spelt alike): no bridge needed
            keys = by_term.get(term, ())
            if 0 < len(keys) <= DISTINCTIVE:
                for key in keys:
                    scores[key] += 1 / len(keys)
    if not scores:
        return ""
    top = max(scores.values())
    if top < 1 / DISTINCTIVE:
        return ""
    chosen = sorted(k for k, v in scores.items() if v == top)[:MOST]
    # The English words that say what the chosen concepts share and few others have: "remesas"
    # names objective 20 and the remittances area, whose titles share "remittances",
    # "financial" and "inclusion" (a whole title would drown the query in "migrants").
    shared = set.intersection(*(table["en-title-terms"][k] for k in chosen))
    distinctive = [t for t in sorted(shared) if len(table["en"].get(t, ())) <= DISTINCTIVE]
    if not distinctive:
        distinctive = [t for t in sorted(shared) if len(table["en"].get(t, ())) <= 2 * DISTINCTIVE]
    return " ".join(table["en-words"][t] for t in distinctive)


def _languages(text: str, interface: str | None) -> list[str]:
    detected = analysis.detect_language(text)
    if detected and detected != "en":
        return [detected]
    others = [lang for lang in analysis.LANGUAGES if lang != "en"]
    if interface in others:  # the interface's language first, then the others
        others.remove(interface)
        others.insert(0, interface)
    return others


def _table() -> dict:
    return page_cache.memo("search.bridge", taxonomy.REFERENCE_DOMAINS, _build)


def _build() -> dict:
    """Per language, each title term's concepts; each concept's English title terms, and a word
    for each of those terms."""
    table: dict = {"en": {}, "en-terms": set(), "en-title-terms": {}, "en-words": {}}
    english = analysis.analyser("en")
    for vocabulary in VOCABULARIES:
        model, code_field = taxonomy.VOCABULARIES[vocabulary]
        for row in taxonomy.reference_rows(model).values():
            title, names = row.title, row.names or {}
            key = f"{vocabulary}:{getattr(row, code_field)}"
            terms = set(english.terms(title, table["en-words"]))
            table["en-title-terms"][key] = terms
            table["en-terms"].update(terms)
            for term in terms:
                table["en"].setdefault(term, set()).add(key)
            for language, name in names.items():
                language = language.split("-")[0].lower()
                if language == "en" or language not in analysis.LANGUAGES or not name:
                    continue
                for term in set(analysis.analyser(language).terms(name)):
                    table.setdefault(language, {}).setdefault(term, set()).add(key)
    return table
