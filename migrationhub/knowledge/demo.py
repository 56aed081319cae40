"""Load the curated demo content (data/demo/): organisations and practices named in the seed
documents, each with its provenance.

A demo practice counts as verified on the date of the document it comes from: that is the date
its facts were last checked, so the platform honestly flags most of them as stale.
"""

import json
from typing import Any

from django.db import transaction
from django.utils import translation

from migrationhub.core.demo import DOCUMENT_DATES, cite, demo_dir, documents
from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.services import OrganisationFields, organisation_create
from migrationhub.search.services import terms_deferred, vectors_deferred
from migrationhub.taxonomy.selectors import country_labels

from . import selectors
from .importers import (
    EVIDENCE_SOURCE,
    EvidenceReader,
    curated_practice,
    evidence_file,
    evidence_rows,
)
from .services import evidence_import, practices_import_published

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


def _verified_on(provenance: list[dict[str, Any]]) -> str | None:
    dates = [
        DOCUMENT_DATES[p["document"]] for p in provenance if p.get("document") in DOCUMENT_DATES
    ]
    return max(dates).isoformat() if dates else None


@transaction.atomic
def load_demo() -> dict[str, int]:
    """The curated organisations and practices that do not exist yet; the counts. The search
    index's terms are rebuilt once at the end (`terms_deferred`): kept in step a record at a
    time they were most of the load; the records' vectors asked for together
    (`vectors_deferred`)."""
    with terms_deferred(), vectors_deferred():
        return _load_demo()


def _load_demo() -> dict[str, int]:
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


def load_evidence() -> dict[str, int]:
    """The evidence library: IOM's 734 programme evaluations as the repository lists them
    (data/evidence/, see SOURCES.md), imported through the import runner, each with the
    tagger's suggested objectives. Evaluations already loaded (by slug) are skipped."""
    path = evidence_file()
    rows = evidence_rows(path.read_bytes())
    with translation.override("en"):
        reader = EvidenceReader(country_labels())
    evidence_import(actor=None, records=rows, convert=reader, source=EVIDENCE_SOURCE)
    return {"evidence": selectors.evidence_count()}
