"""Reading practice files (JSON or CSV) into typed records for the import services.

Row fields are those of the API (`PracticeCreateIn`); in CSV, list fields are separated by `;`.
Each record is checked for its shape here (numbers are numbers, dates are dates) and for its
meaning by the services (`practices_import_drafts`, `practices_import_published`), through the
kernel's import runner: every bad row is reported and nothing is written unless all are good.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.utils.translation import gettext as _

from migrationhub.core.errors import ValidationFailed
from migrationhub.core.imports import csv_records, json_records, read_text, text_problem

from .models import TAG_FIELDS
from .services import (
    TITLE_MAX,
    CuratedPractice,
    EvidenceRecord,
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


# -- the evidence library: IOM's evaluation repository export (data/evidence/) ------------------

EVIDENCE_FILE = "iom_evaluations_2025-11-13.csv"
EVIDENCE_SOURCE = "IOM Evaluation Repository (evaluation.iom.int), export of 2025-11-13"
# Names in the export that are not the UN M49 English names.
COUNTRY_ALIASES = {
    "bolivia (the plurinational state of)": "BOL",
    "côte d'ivoire": "CIV",
    "dominca": "DMA",
    "hong kong sar": "HKG",
    "kingdom of tonga": "TON",
    "solomon island": "SLB",
    "the bahamas": "BHS",
    "turkey": "TUR",
    "united states of america (the)": "USA",
}
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "spanish": "es",
    "arabic": "ar",
    "russian": "ru",
    "chinese": "zh-hans",
    "portuguese": "pt",
    "german": "de",
    "italian": "it",
}
_URLS = re.compile(r",\s*(?=https?://)")


def evidence_file() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "evidence" / EVIDENCE_FILE


def split_listed(cell: str) -> list[str]:
    """The values of a cell listing several, separated by commas: commas inside parentheses
    belong to their value ("Migration health (assessment, travel, ...)"), and a piece starting in
    lower case continues the previous value ("dialogue, consultations etc and ...")."""
    values: list[str] = []
    depth, current = 0, ""
    for char in cell:
        depth += (char == "(") - (char == ")")
        if char == "," and depth <= 0:
            values.append(current.strip())
            current, depth = "", 0
        else:
            current += char
    values.append(current.strip())
    merged: list[str] = []
    for value in values:
        if not value:
            continue
        if merged and value[0].islower():
            merged[-1] = f"{merged[-1]}, {value}"
        else:
            merged.append(value)
    return list(dict.fromkeys(merged))


def _date(value: str, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = [_("must be a date (YYYY-MM-DD)")]
        return None


class EvidenceReader:
    """Turns rows of the export into `EvidenceRecord`s: names of countries and languages to
    codes (once per import), flags to booleans, links to https/http URLs only."""

    def __init__(self, country_names: dict[str, str]):
        self.countries = {name.casefold(): iso3 for iso3, name in country_names.items()}
        self.countries.update(COUNTRY_ALIASES)

    def __call__(self, raw: dict[str, Any]) -> EvidenceRecord:
        errors: dict[str, list[str]] = {}
        text = {k: _text(raw, k, errors) for k in raw if isinstance(k, str)}

        def cell(name: str) -> str:
            return text.get(name, "").strip()

        title = " ".join(cell("Title").split())
        if not title:
            errors["Title"] = [_("required")]
        elif len(title) > TITLE_MAX:
            errors["Title"] = [_("at most 300 characters")]
        year = None
        if cell("Year"):
            if not (cell("Year").isascii() and cell("Year").isdigit()):
                errors["Year"] = [_("must be a year")]
            elif not 1900 <= int(cell("Year")) <= 2100:
                errors["Year"] = [_("must be a year between 1900 and 2100")]
            else:
                year = int(cell("Year"))
        countries, as_written = [], []
        for name in split_listed(cell("Countries Covered")):
            as_written.append(name)
            iso3 = self.countries.get(name.casefold())
            if iso3:
                countries.append(iso3)
        languages = [
            LANGUAGE_NAMES[n.casefold()]
            for n in split_listed(cell("Languages"))
            if n.casefold() in LANGUAGE_NAMES
        ]
        documents = []
        for url in _URLS.split(cell("File URL")):
            url = url.strip().rstrip(",")
            if not url:
                continue
            if not url.startswith(("https://", "http://")) or len(url) > 1000:
                errors["File URL"] = [_("links must be http(s) addresses")]
                continue
            name = unquote(unquote(url.rsplit("/", 1)[-1]))  # some are encoded twice
            documents.append({"url": url, "label": name[:200]})
        record = EvidenceRecord(
            title=title,
            year=year,
            published_on=_date(cell("Date of Publication"), "Date of Publication", errors),
            period_from=_date(
                cell("Evaluation Period From Date"), "Evaluation Period From Date", errors
            ),
            period_to=_date(cell("Evaluation Period To Date"), "Evaluation Period To Date", errors),
            languages=list(dict.fromkeys(languages)),
            countries=list(dict.fromkeys(countries)),
            countries_as_written=as_written,
            coverage=cell("Evaluation Coverage")[:40],
            offices=split_listed(cell("Regions Covered")),
            themes=split_listed(cell("Migration Thematic Areas")),
            # "None" says the evaluation has no cross-cutting theme.
            crosscutting=[
                t for t in split_listed(cell("Relevant Crosscutting Themes")) if t != "None"
            ],
            scope=split_listed(cell("Type of Evaluation Scope")),
            timing=cell("Type of Evaluation Timing")[:120],
            evaluator=cell("Type of Evaluator")[:60],
            level=cell("Level of Evaluation")[:40],
            commissioner=cell("Evaluation Commissioner")[:300],
            donor=cell("Donor")[:500],
            projects=cell("Name of Project(s) Being Evaluated"),
            project_code=cell("Project Code")[:200],
            documents=documents,
            has_executive_summary=cell("Executive Summary").casefold() == "yes",
            has_lessons=cell("Best Practicesor Lessons Learnt").casefold() == "yes",
            has_management_response=cell("Management response").casefold() == "yes",
        )
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
        return record


def evidence_rows(data: bytes | str) -> list[dict[str, Any]]:
    """The rows of an evaluation export (CSV with the repository's column names)."""
    return csv_records(read_text(data))
