"""Load the curated demo content (data/demo/): organisations and practices named in the seed
documents, each with its provenance.

A demo practice counts as verified on the date of the document it comes from: that is the date
its facts were last checked, so the platform honestly flags most of them as stale.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.services import OrganisationFields, organisation_create

from . import selectors
from .importers import curated_practice
from .services import practices_import_published

# Dates of the seed documents (shared/seeds/README.md and the documents' own headers).
DOCUMENT_DATES = {
    "000": dt.date(2018, 3, 26),
    "001": dt.date(2018, 3, 27),
    "002": dt.date(2018, 3, 27),
    "003": dt.date(2018, 12, 11),
    "004": dt.date(2006, 10, 23),
}
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "stakeholder_type",
    "level",
    "home_country",
    "countries",
    "objectives",
    "languages",
    "description",
    "website",
)


def demo_dir() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "demo"


def documents() -> dict[str, dict[str, str]]:
    """The seed documents the demo records cite, by number (data/demo/documents.json)."""
    rows = json.loads((demo_dir() / "documents.json").read_text(encoding="utf-8"))
    return {row["document"]: row for row in rows}


def cite(provenance: list[dict[str, Any]], docs: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Provenance entries with their document named (title, author, publisher, place, date), so
    that a reader sees what "document 004, paragraph 15" is."""
    cited = []
    for entry in provenance:
        doc = docs.get(str(entry.get("document", "")), {})
        extra = {k: v for k, v in doc.items() if k != "document" and v}
        cited.append({**entry, **extra})
    return cited


def _verified_on(provenance: list[dict[str, Any]]) -> str | None:
    dates = [
        DOCUMENT_DATES[p["document"]] for p in provenance if p.get("document") in DOCUMENT_DATES
    ]
    return max(dates).isoformat() if dates else None


@transaction.atomic
def load_demo() -> dict[str, int]:
    docs = documents()
    organisations = json.loads((demo_dir() / "organisations.json").read_text(encoding="utf-8"))
    existing_orgs = {
        o.slug for o in org_selectors.organisations_by_slug(r["slug"] for r in organisations)
    }
    for row in organisations:
        if row["slug"] in existing_orgs:
            continue
        data = {k: row[k] for k in ORGANISATION_FIELDS if k in row and row[k] not in (None, "")}
        organisation_create(
            actor=None,
            fields=OrganisationFields(names=row.get("names") or {"en": row["name"]}, **data),
            slug=row["slug"],
            provenance=cite(row.get("provenance") or [], docs),
        )
    practices = json.loads((demo_dir() / "practices.json").read_text(encoding="utf-8"))
    existing = selectors.practice_slugs()
    rows = []
    for row in practices:
        if row["slug"] in existing:
            continue
        row = dict(row)
        if row.get("organisations") and not row.get("organisation"):
            row["organisation"] = row["organisations"][0]
        row["last_verified_at"] = _verified_on(row.get("provenance") or [])
        row["provenance"] = cite(row.get("provenance") or [], docs)
        rows.append(row)
    practices_import_published(actor=None, records=rows, convert=curated_practice)
    return {
        "organisations": org_selectors.organisation_count(),
        "practices": selectors.practice_count_published(),
    }
