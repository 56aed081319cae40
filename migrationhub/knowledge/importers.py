"""Reading practice files (JSON or CSV) into typed records for the import services.

Row fields are those of the API (`PracticeCreateIn`); in CSV, list fields are separated by `;`.
Each record is checked for its shape here (numbers are numbers, dates are dates) and for its
meaning by the services (`practices_import_drafts`, `practices_import_published`), through the
kernel's import runner: every bad row is reported and nothing is written unless all are good.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from migrationhub.core.errors import ValidationFailed
from migrationhub.core.imports import csv_records, json_records, read_text, text_problem

from .models import TAG_FIELDS
from .services import (
    CuratedPractice,
    PracticeFields,
    practices_import_drafts,
    practices_import_published,
)

LIST_FIELDS = (*TAG_FIELDS, "organisations")
TEXT_FIELDS = ("title", "summary", "body", "language", "results", "source")
FORMATS = ("json", "csv")


def parse(data: bytes | str, fmt: str) -> list[dict[str, Any]]:
    """The records of a file in `fmt` (json or csv)."""
    text = read_text(data)
    if fmt == "json":
        return json_records(text)
    if fmt == "csv":
        return csv_records(text, list_fields=LIST_FIELDS)
    raise ValidationFailed(_("Unknown format %(format)s: use json or csv.") % {"format": fmt})


def _text(record: dict[str, Any], name: str, errors: dict[str, list[str]]) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        errors[name] = [_("must be text")]
        return ""
    text = str(value)
    problem = text_problem(text)
    if problem:
        errors[name] = [problem]
    return text


def _codes(record: dict[str, Any], name: str, errors: dict[str, list[str]]) -> list[str]:
    value = record.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(";") if v.strip()]
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        errors[name] = [_("must be a list of codes")]
        return []
    found = [str(v).strip() for v in value]
    problems = [p for p in map(text_problem, found) if p]
    if problems:
        errors[name] = problems[:1]
        return []
    return found


def _objectives(record: dict[str, Any], errors: dict[str, list[str]]) -> list[int]:
    codes = _codes(record, "objectives", errors)
    numbers = []
    for code in codes:
        # str.isdigit() accepts "²" and other digits int() refuses: only ASCII 0-9 are numbers.
        if not (code.isascii() and code.isdigit()) or len(code) > 3:
            errors["objectives"] = [_("unknown: %(codes)s") % {"codes": code}]
            return []
        numbers.append(int(code))
    return numbers


def _year(record: dict[str, Any], name: str, errors: dict[str, list[str]]) -> int | None:
    value = record.get(name)
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 4:
        errors[name] = [_("must be a year")]
        return None
    return int(text)


def practice_fields(record: dict[str, Any]) -> PracticeFields:
    """A record's practice fields; ValidationFailed names every field of the wrong shape."""
    errors: dict[str, list[str]] = {}
    texts = {name: _text(record, name, errors) for name in TEXT_FIELDS}
    lists: dict[str, Any] = {name: _codes(record, name, errors) for name in LIST_FIELDS}
    lists["objectives"] = _objectives(record, errors)
    years = {name: _year(record, name, errors) for name in ("period_start", "period_end")}
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return PracticeFields(
        title=texts["title"],
        summary=texts["summary"],
        body=texts["body"],
        language=texts["language"] or "en",
        results=texts["results"],
        source=texts["source"],
        **lists,
        **years,
    )


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value (keys too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def curated_practice(record: dict[str, Any]) -> CuratedPractice:
    """A record to publish directly: practice fields plus owner, slug, provenance and when it
    was last verified (`last_verified_at` absent: today; empty: never)."""
    fields = practice_fields(record)
    errors: dict[str, list[str]] = {}
    provenance = record.get("provenance") or []
    if not isinstance(provenance, list) or not all(isinstance(p, dict) for p in provenance):
        errors["provenance"] = [_("must be a list of objects")]
    else:
        problems = [text_problem(t) for t in _strings(provenance)]
        if any(problems):
            errors["provenance"] = [next(p for p in problems if p)]
    for name in ("organisation", "slug"):
        problem = text_problem(str(record.get(name) or ""), max_chars=120)
        if problem:
            errors[name] = [problem]
    verified: dt.date | None = None
    raw = record.get("last_verified_at")
    if raw not in (None, ""):
        try:
            verified = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            errors["last_verified_at"] = [_("must be a date (YYYY-MM-DD)")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return CuratedPractice(
        fields=fields,
        organisation=str(record.get("organisation") or "").strip(),
        slug=str(record.get("slug") or "").strip(),
        provenance=provenance,
        last_verified_at=verified,
        verified_today="last_verified_at" not in record,
    )


def import_file(
    *, actor: Any, data: bytes | str, fmt: str, organisation: Any = None, publish: bool = False
) -> list[Any]:
    """Import a practice file: drafts for `organisation`, or (`publish`) curated records."""
    records = parse(data, fmt)
    if publish:
        return practices_import_published(actor=actor, records=records, convert=curated_practice)
    if organisation is None:
        raise ValidationFailed(
            _("Drafts are imported for an organisation."),
            fields={"organisation": [_("required")]},
        )
    return practices_import_drafts(
        actor=actor, organisation=organisation, records=records, convert=practice_fields
    )
