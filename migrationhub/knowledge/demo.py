"""Load the curated demo content (data/demo/): organisations and practices named in the seed
documents, each with its provenance.

A demo practice counts as verified on the date of the document it comes from: that is the date
its facts were last checked, so the platform honestly flags most of them as stale.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from migrationhub.organisations.models import Organisation
from migrationhub.organisations.services import organisation_create

from .importers import practices_import
from .models import Practice

# Dates of the seed documents (shared/seeds/README.md and the documents' own headers).
DOCUMENT_DATES = {
    "000": dt.date(2018, 3, 26),
    "001": dt.date(2018, 3, 27),
    "002": dt.date(2018, 3, 27),
    "003": dt.date(2018, 12, 11),
    "004": dt.date(2006, 10, 23),
}
ORGANISATION_FIELDS = (
    "slug",
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
    "provenance",
)


def demo_dir() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "demo"


def _verified_on(provenance: list[dict]) -> str | None:
    dates = [
        DOCUMENT_DATES[p["document"]] for p in provenance if p.get("document") in DOCUMENT_DATES
    ]
    return max(dates).isoformat() if dates else None


@transaction.atomic
def load_demo() -> dict[str, int]:
    organisations = json.loads((demo_dir() / "organisations.json").read_text(encoding="utf-8"))
    for row in organisations:
        if Organisation.objects.filter(slug=row["slug"]).exists():
            continue
        data = {k: row[k] for k in ORGANISATION_FIELDS if k in row and row[k] not in (None, "")}
        data.setdefault("names", {"en": row["name"]})
        organisation_create(actor=None, data=data)
    practices = json.loads((demo_dir() / "practices.json").read_text(encoding="utf-8"))
    existing = set(Practice.objects.values_list("slug", flat=True))
    rows = []
    for row in practices:
        if row["slug"] in existing:
            continue
        row = dict(row)
        if row.get("organisations") and not row.get("organisation"):
            row["organisation"] = row["organisations"][0]
        row["last_verified_at"] = _verified_on(row.get("provenance") or [])
        rows.append(row)
    practices_import(actor=None, rows=rows, publish=True)
    return {
        "organisations": Organisation.objects.count(),
        "practices": Practice.objects.filter(status=Practice.PUBLISHED).count(),
    }
