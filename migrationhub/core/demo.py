"""What every app's demo loader shares: the seed documents the curated records cite.

The demo content (`data/demo/`, its SOURCES.md) is curated by hand from the five seed documents.
Each record carries a `provenance` list of {document, paragraph, quote}; `cite` adds what the
document is (title, author, publisher, place, date, from `documents.json`) so that pages show
"Dialogue 2: Partnerships and innovative initiatives …, United Nations, Marrakech, 2018-12-11 —
paragraph 5" rather than "document 003". `source_date` is the date of the latest document a record
cites: the day its facts were last stated, from which a curated record is as fresh (knowledge) or
owes its next report (partnerships).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

# Dates of the seed documents (shared/seeds/README.md and the documents' own headers).
DOCUMENT_DATES = {
    "000": dt.date(2018, 3, 26),
    "001": dt.date(2018, 3, 27),
    "002": dt.date(2018, 3, 27),
    "003": dt.date(2018, 12, 11),
    "004": dt.date(2006, 10, 23),
}


def demo_dir() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "demo"


def documents() -> dict[str, dict[str, str]]:
    """The seed documents the demo records cite, by number (data/demo/documents.json)."""
    rows = json.loads((demo_dir() / "documents.json").read_text(encoding="utf-8"))
    return {row["document"]: row for row in rows}


def cite(
    provenance: Iterable[dict[str, Any]], docs: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """Provenance entries with their document named (title, author, publisher, place, date), so
    that a reader sees what "document 004, paragraph 15" is."""
    cited = []
    for entry in provenance:
        doc = docs.get(str(entry.get("document", "")), {})
        extra = {k: v for k, v in doc.items() if k != "document" and v}
        cited.append({**entry, **extra})
    return cited


def source_date(provenance: Iterable[dict[str, Any]]) -> dt.date | None:
    """The date of the latest seed document that `provenance` cites (None when it cites none)."""
    dates = [
        DOCUMENT_DATES[str(p.get("document"))]
        for p in provenance
        if str(p.get("document")) in DOCUMENT_DATES
    ]
    return max(dates) if dates else None
