"""Turn what a person typed into search terms, the same way for every backend.

Words become prefix terms ("recruit" finds "recruitment", "recruiters"), all of which must
match. Runs of Chinese, Japanese or Korean characters have no spaces to split on, so they are
kept whole and matched as substrings through a trigram index.
"""

import html
import re
from dataclasses import dataclass, field

# Kana, CJK ideographs (extension A, unified, compatibility) and Hangul syllables.
CJK_RANGES = (
    ("\u3040", "\u30ff"),
    ("\u3400", "\u4dbf"),
    ("\u4e00", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
)
CJK_CLASS = "".join(f"{first}-{last}" for first, last in CJK_RANGES)
CJK = re.compile(f"[{CJK_CLASS}]+")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 12
MARK_START, MARK_END = "\x02", "\x03"


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)
    cjk: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.cjk


def parse(text: str | None) -> ParsedQuery:
    text = (text or "")[:500]
    cjk = CJK.findall(text)
    rest = CJK.sub(" ", text)
    terms = [w.lower() for w in WORD.findall(rest)]
    return ParsedQuery(terms=terms[:MAX_TERMS], cjk=cjk[:MAX_TERMS])


def marked_to_html(text: str | None) -> str:
    """Escape text whose matches are wrapped in MARK_START/MARK_END, then turn those into <mark>."""
    escaped = html.escape(text or "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def mark_runs(text: str, runs: list[str]) -> str:
    """Wrap every occurrence of each CJK run in match markers (trigram search has no highlight)."""
    for run in runs:
        text = text.replace(run, f"{MARK_START}{run}{MARK_END}")
    return text


def cjk_snippet(text: str, runs: list[str], width: int = 80) -> str:
    positions = [text.find(r) for r in runs if r in text]
    start = max(0, min(positions) - width // 2) if positions else 0
    return mark_runs(("…" if start else "") + text[start : start + width * 3], runs)
