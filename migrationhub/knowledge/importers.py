"""Bulk import of practices from JSON or CSV: all rows or none, with every bad row reported.

Row fields are those of the API (`PracticeCreateIn`); in CSV, list fields are separated by `;`.
An import either creates drafts for an organisation (its members may import) or, for platform
admins, publishes curated records directly with their provenance (used for the demo content and
for migrating records that were reviewed elsewhere).
"""

import csv
import datetime as dt
import io
import json

from django.db import transaction
from django.utils import timezone

from migrationhub.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from migrationhub.organisations.models import Organisation

from . import services
from .indexing import practice_reindex
from .models import Practice

LIST_FIELDS = (
    "objectives",
    "principles",
    "areas",
    "countries",
    "levels",
    "stakeholder_types",
    "organisations",
)


class ImportFailed(ValidationFailed):
    code = "import_failed"

    def __init__(self, row_errors: list[dict]):
        super().__init__(
            f"Nothing was imported: {len(row_errors)} row(s) have errors.",
            fields={f"row {e['row']}": [e["message"], *e.get("fields", [])] for e in row_errors},
        )
        self.row_errors = row_errors


def parse_rows(content: str, fmt: str) -> list[dict]:
    if fmt == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"Not valid JSON: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValidationFailed("JSON imports are a list of objects.")
        return data
    if fmt == "csv":
        rows = []
        for raw in csv.DictReader(io.StringIO(content)):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            for field in LIST_FIELDS:
                if field in row:
                    row[field] = [v.strip() for v in row[field].split(";") if v.strip()]
            rows.append(row)
        return rows
    raise ValidationFailed(f"Unknown format {fmt!r}: use json or csv.")


@transaction.atomic
def practices_import(
    *, actor, rows: list[dict], organisation: Organisation | None = None, publish: bool = False
) -> list[Practice]:
    """Create one practice per row. Any bad row rolls back the whole import (ImportFailed)."""
    if publish and actor is not None and not actor.is_staff:
        raise PermissionDenied("Only platform administrators import published records.")
    if not publish and organisation is None:
        raise ValidationFailed(
            "Drafts are imported for an organisation.", fields={"organisation": ["required"]}
        )
    created, errors = [], []
    for number, row in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                created.append(_import_row(actor, row, organisation, publish))
        except ApplicationError as exc:
            errors.append(
                {
                    "row": number,
                    "message": exc.message,
                    "fields": [f"{k}: {', '.join(v)}" for k, v in exc.fields.items()],
                }
            )
    if errors:
        raise ImportFailed(errors)
    return created


def _import_row(actor, row: dict, organisation, publish: bool) -> Practice:
    if not publish:
        return services.practice_create(actor=actor, organisation=organisation, data=row)
    owner = organisation
    if owner is None and row.get("organisation"):
        owner = Organisation.objects.filter(slug=row["organisation"]).first()
        if owner is None:
            raise ValidationFailed(
                f"Unknown organisation {row['organisation']!r}.",
                fields={"organisation": ["unknown"]},
            )
    practice = Practice(
        organisation=owner, created_by=actor if getattr(actor, "pk", None) else None
    )
    data = {"language": "en", **row}
    related = services.apply_fields(practice, data)
    if not practice.body and not practice.summary:
        raise ValidationFailed("A summary or body is required.", fields={"summary": ["required"]})
    practice.slug = services.unique_slug(row.get("slug") or practice.title)
    practice.status = Practice.PUBLISHED
    practice.published_at = timezone.now()
    if "last_verified_at" in row:  # curated records say when they were last checked, or never
        verified = row["last_verified_at"]
        practice.last_verified_at = dt.date.fromisoformat(verified) if verified else None
    else:
        practice.last_verified_at = timezone.localdate()
    practice._history_user = actor if getattr(actor, "pk", None) else None
    practice.save()
    services.set_related(practice, related)
    practice_reindex(practice)
    return practice
