"""Bulk open data: every published practice and every organisation as CSV, JSON, HXL-tagged CSV
and a Frictionless data package.

One column list per table (`PRACTICES.columns`, `ORGANISATIONS.columns`) is the single source of
the CSV header, the JSON keys, the HXL hashtag row and the Table Schema, so the four formats cannot
drift apart. Columns are chosen one by one, never derived from the models: nothing personal leaves
the platform — no users, e-mail addresses, memberships, reviewers, review decisions or comments,
`created_by`, history or provenance notes. Only published practices are exported; organisations
are public profiles and all of them are.

Values are codes of the reference vocabularies (GCM objective numbers, principle, area, level and
stakeholder-type codes, ISO 3166-1 alpha-3 countries, UN M49 regions, language codes) and slugs
for organisations, so a row joins to `/api/v1/reference/` and to `organisations.csv`.

- CSV: UTF-8 without a byte-order mark, RFC 4180 quoting, multi-valued cells joined by ";",
  booleans `true`/`false`, dates ISO 8601 (datetimes in UTC, `...Z`), missing values empty.
- HXL CSV: the same, with the HXL hashtag row under the header. Only core HXL 1.1 hashtags and
  attributes are used (data/hxl/); a column with no fitting core hashtag has an empty cell there,
  which HXL tools read as "not tagged".
- JSON: an envelope `{"name", "source", "licence", "generated_at", "count", "items"}` so licence
  and provenance travel with the file; multi-valued fields are arrays, objectives integers.
- Data package: a zip of `datapackage.json` (Frictionless Data Package v1, Table Schemas with
  types, constraints from the reference vocabularies, primary keys and the foreign key
  `practices.organisation` → `organisations.slug`) with `practices.csv` and `organisations.csv`.

Rows are read through the selectors (prefetched): the number of queries does not grow with the
number of rows.
"""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from migrationhub.organisations.selectors import organisation_queryset
from migrationhub.taxonomy.models import Region
from migrationhub.taxonomy.selectors import VOCABULARIES

from . import selectors

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
SOURCE_TITLE = "MigrationHub: the global knowledge platform of the Global Compact for Migration"
PACKAGE_NAME = "migrationhub-knowledge"
SEPARATOR = ";"
KINDS = ("practices", "organisations")
TEXT_FORMATS = ("csv", "json", "hxl")
FILE_SUFFIXES = {"csv": ".csv", "hxl": ".hxl.csv", "json": ".json"}
DATAPACKAGE_FILENAME = "datapackage.zip"
SLUG_PATTERN = "[-a-zA-Z0-9_]+"


@dataclass(frozen=True)
class Column:
    """One exported field: its name in every format, its Table Schema type and its HXL hashtag."""

    name: str
    type: str  # Table Schema type: string, integer, boolean, date, datetime
    description: str
    hxl: str = ""
    multiple: bool = False  # an array in JSON, codes joined by ";" in CSV
    required: bool = False
    vocabulary: str = ""  # taxonomy vocabulary whose codes constrain the values
    pattern: str = ""  # for one code (or each code of a multi-valued field)
    format: str = ""
    constraints: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[..., list[dict]]
    foreign_keys: tuple[dict, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def filename(self, fmt: str) -> str:
        return f"{self.name}{FILE_SUFFIXES[fmt]}"


def _site_url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def _page_path(view: str, slug: str) -> str:
    # Pages of the default language have no language prefix: the canonical address.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(view, kwargs={"slug": slug})


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _regions(countries, m49_by_pk: dict[int, str]) -> list[str]:
    """The UN M49 regions, sub-regions and intermediate regions of `countries`, as in search."""
    codes: list[str] = []
    for country in countries:
        for pk in (country.region_id, country.subregion_id, country.intermediate_region_id):
            if pk is not None and m49_by_pk[pk] not in codes:
                codes.append(m49_by_pk[pk])
    return codes


def practice_rows(*, base_url: str = "") -> list[dict]:
    """One dict per published practice, ordered by slug, with JSON-ready values."""
    m49_by_pk = dict(Region.objects.values_list("pk", "m49"))
    rows = []
    for practice in selectors.practice_list_published().order_by("slug"):
        countries = list(practice.countries.all())
        rows.append(
            {
                "slug": practice.slug,
                "title": practice.title,
                "summary": practice.summary,
                "body": practice.body,
                "language": practice.language_id,
                "organisation": practice.organisation.slug if practice.organisation else None,
                "organisations": [o.slug for o in practice.organisations.all()],
                "objectives": [o.number for o in practice.objectives.all()],
                "principles": [p.code for p in practice.principles.all()],
                "areas": [a.code for a in practice.areas.all()],
                "countries": [c.iso3 for c in countries],
                "regions": _regions(countries, m49_by_pk),
                "levels": [lv.code for lv in practice.levels.all()],
                "stakeholder_types": [s.code for s in practice.stakeholder_types.all()],
                "period_start": practice.period_start,
                "period_end": practice.period_end,
                "results": practice.results,
                "source": practice.source,
                "published_at": _utc(practice.published_at),
                "last_verified_at": _iso_date(practice.last_verified_at),
                "stale": practice.is_stale,
                "url": _site_url(base_url, _page_path("knowledge:detail", practice.slug)),
            }
        )
    return rows


def organisation_rows(*, base_url: str = "") -> list[dict]:
    """One dict per organisation, ordered by slug: the public profile, never its members."""
    rows = []
    for org in organisation_queryset().order_by("slug"):
        rows.append(
            {
                "slug": org.slug,
                "name": org.name,
                "acronym": org.acronym,
                "stakeholder_type": org.stakeholder_type.code,
                "level": org.level.code,
                "home_country": org.home_country.iso3 if org.home_country else None,
                "countries": [c.iso3 for c in org.countries.all()],
                "objectives": [o.number for o in org.objectives.all()],
                "languages": [lang.code for lang in org.languages.all()],
                "description": org.description,
                "website": org.website,
                "url": _site_url(base_url, _page_path("organisations:detail", org.slug)),
            }
        )
    return rows


_URL = Column(
    "url",
    "string",
    "Address of the record's page on MigrationHub (a path when exported without a base URL).",
    hxl="#meta+url",
    required=True,
)

PRACTICES = Table(
    name="practices",
    title="Practices",
    description="Every published practice of the MigrationHub knowledge platform, tagged to the "
    "GCM objectives and guiding principles. Drafts and practices in review are not included.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the practice.",
            hxl="#activity+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column(
            "title",
            "string",
            "Title, in the original language.",
            hxl="#activity+name",
            required=True,
            constraints=(("maxLength", 300),),
        ),
        Column("summary", "string", "Summary, in the original language.", hxl="#description"),
        Column("body", "string", "Full description.", hxl="#description+text"),
        Column(
            "language",
            "string",
            "Original language (code of /api/v1/reference/languages).",
            required=True,
            vocabulary="languages",
        ),
        Column(
            "organisation",
            "string",
            "Slug of the submitting organisation (organisations.csv); empty for records "
            "curated by the platform.",
            hxl="#org+code",
            pattern=SLUG_PATTERN,
        ),
        Column(
            "organisations",
            "string",
            "Slugs of the organisations involved, separated by ';'.",
            hxl="#org+code+impl",
            multiple=True,
            pattern=SLUG_PATTERN,
        ),
        Column(
            "objectives",
            "integer",
            "GCM objective numbers (1-23), separated by ';'.",
            hxl="#sector+code",
            multiple=True,
            vocabulary="objectives",
        ),
        Column(
            "principles",
            "string",
            "GCM guiding principle codes, separated by ';'.",
            multiple=True,
            vocabulary="principles",
        ),
        Column(
            "areas",
            "string",
            "Areas of multi-stakeholder cooperation (codes), separated by ';'.",
            multiple=True,
            vocabulary="areas",
        ),
        Column(
            "countries",
            "string",
            "Countries (ISO 3166-1 alpha-3), separated by ';'.",
            hxl="#country+code",
            multiple=True,
            pattern="[A-Z]{3}",
        ),
        Column(
            "regions",
            "string",
            "UN M49 regions, sub-regions and intermediate regions of the countries, "
            "separated by ';'.",
            hxl="#region+code",
            multiple=True,
            pattern="[0-9]{3}",
        ),
        Column(
            "levels",
            "string",
            "Governance levels (local, national, regional, global), separated by ';'.",
            hxl="#activity+type",
            multiple=True,
            vocabulary="levels",
        ),
        Column(
            "stakeholder_types",
            "string",
            "Types of stakeholders involved (codes), separated by ';'.",
            hxl="#org+type",
            multiple=True,
            vocabulary="stakeholder_types",
        ),
        Column(
            "period_start",
            "integer",
            "Year the practice started.",
            hxl="#date+start",
            constraints=(("minimum", 1900), ("maximum", 2100)),
        ),
        Column(
            "period_end",
            "integer",
            "Year the practice ended or will end.",
            hxl="#date+end",
            constraints=(("minimum", 1900), ("maximum", 2100)),
        ),
        Column("results", "string", "Results and evidence.", hxl="#output+text"),
        Column("source", "string", "Where the practice is documented.", hxl="#meta+source"),
        Column(
            "published_at",
            "datetime",
            "When peer review approved the practice (UTC).",
            hxl="#date+approved",
        ),
        Column(
            "last_verified_at",
            "date",
            "When the practice was last confirmed accurate; empty if never.",
            hxl="#date+reported",
        ),
        Column(
            "stale",
            "boolean",
            f"Not verified for {settings.MIGRATIONHUB_STALE_AFTER_MONTHS} months or more.",
            required=True,
        ),
        _URL,
    ),
    rows=practice_rows,
    foreign_keys=(
        {
            "fields": "organisation",
            "reference": {"resource": "organisations", "fields": "slug"},
        },
    ),
)

ORGANISATIONS = Table(
    name="organisations",
    title="Organisations",
    description="Every stakeholder organisation in the MigrationHub directory: its public "
    "profile, never its members.",
    columns=(
        Column(
            "slug",
            "string",
            "Stable identifier of the organisation.",
            hxl="#org+code",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("name", "string", "Name.", hxl="#org+name", required=True),
        Column("acronym", "string", "Acronym."),
        Column(
            "stakeholder_type",
            "string",
            "Stakeholder type (code of /api/v1/reference/stakeholder-types).",
            hxl="#org+type",
            required=True,
            vocabulary="stakeholder_types",
        ),
        Column(
            "level",
            "string",
            "Governance level: local, national, regional or global.",
            required=True,
            vocabulary="levels",
        ),
        Column(
            "home_country",
            "string",
            "Country of its seat (ISO 3166-1 alpha-3); empty for global bodies.",
            hxl="#country+code",
            pattern="[A-Z]{3}",
        ),
        Column(
            "countries",
            "string",
            "Countries of operation (ISO 3166-1 alpha-3), separated by ';'.",
            multiple=True,
            pattern="[A-Z]{3}",
        ),
        Column(
            "objectives",
            "integer",
            "GCM objectives of expertise (1-23), separated by ';'.",
            hxl="#sector+code",
            multiple=True,
            vocabulary="objectives",
        ),
        Column(
            "languages",
            "string",
            "Working languages (codes), separated by ';'.",
            multiple=True,
            vocabulary="languages",
        ),
        Column("description", "string", "What the organisation does.", hxl="#description"),
        Column("website", "string", "Its own website.", hxl="#org+url", format="uri"),
        _URL,
    ),
    rows=organisation_rows,
)

TABLES: dict[str, Table] = {t.name: t for t in (PRACTICES, ORGANISATIONS)}


# --- CSV and HXL


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return str(value)


def hxl_row(table: Table) -> list[str]:
    return [c.hxl for c in table.columns]


def rows_to_csv(table: Table, rows: Iterable[dict], *, hxl: bool = False) -> str:
    """CSV text of `rows`; with `hxl`, the HXL hashtag row follows the header."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.column_names)
    if hxl:
        writer.writerow(hxl_row(table))
    for row in rows:
        writer.writerow([_cell(row[name]) for name in table.column_names])
    return out.getvalue()


# --- JSON


def _source(base_url: str) -> dict:
    return {"title": SOURCE_TITLE, **({"path": base_url} if base_url else {})}


def rows_to_json(
    table: Table, rows: list[dict], *, base_url: str = "", generated_at: dt.datetime
) -> str:
    document = {
        "name": table.name,
        "source": _source(base_url),
        "licence": LICENCE,
        "generated_at": _utc(generated_at),
        "count": len(rows),
        "items": [{name: row[name] for name in table.column_names} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_text(
    kind: str, fmt: str, *, base_url: str = "", generated_at: dt.datetime | None = None
) -> str:
    """`kind` (practices|organisations) as `fmt` (csv|json|hxl)."""
    table = TABLES[kind]
    rows = table.rows(base_url=base_url)
    if fmt == "json":
        return rows_to_json(
            table, rows, base_url=base_url, generated_at=generated_at or timezone.now()
        )
    if fmt in ("csv", "hxl"):
        return rows_to_csv(table, rows, hxl=fmt == "hxl")
    raise ValueError(f"unknown format {fmt!r}")


# --- Frictionless data package


def _vocabulary_codes(vocabulary: str) -> list[str]:
    model, key = VOCABULARIES[vocabulary]
    return [str(code) for code in model.objects.order_by(key).values_list(key, flat=True)]


def _field(column: Column) -> dict:
    field: dict = {"name": column.name, "description": column.description}
    constraints = dict(column.constraints)
    if column.required:
        constraints["required"] = True
    if column.multiple:
        # Table Schema v1 has no list type: a ";"-joined string whose every item is checked.
        field["type"] = "string"
        item = column.pattern or "|".join(
            re.escape(c) for c in _vocabulary_codes(column.vocabulary)
        )
        constraints["pattern"] = f"(?:{item})(?:{SEPARATOR}(?:{item}))*"
    else:
        field["type"] = column.type
        if column.vocabulary:
            constraints["enum"] = _vocabulary_codes(column.vocabulary)
        elif column.pattern:
            constraints["pattern"] = column.pattern
    if column.type == "datetime" and not column.multiple:
        field["format"] = "%Y-%m-%dT%H:%M:%SZ"
    if column.format:
        field["format"] = column.format
    if constraints:
        field["constraints"] = constraints
    if column.hxl:
        field["hxl"] = column.hxl  # not part of Table Schema; kept for HXL-aware readers
    return field


def table_schema(table: Table) -> dict:
    schema: dict = {
        "fields": [_field(c) for c in table.columns],
        "primaryKey": ["slug"],
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [dict(fk) for fk in table.foreign_keys]
    return schema


def datapackage_descriptor(*, base_url: str = "", generated_at: dt.datetime) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "MigrationHub knowledge platform: practices and organisations",
        "description": "Open data of MigrationHub, the global knowledge platform of the Global "
        "Compact for Migration: every published practice and the organisations behind them. "
        "Multi-valued fields hold codes of the reference vocabularies separated by ';'.",
        **({"homepage": base_url} if base_url else {}),
        "created": _utc(generated_at),
        "keywords": ["migration", "GCM", "Global Compact for Migration", "partnerships"],
        "licenses": [LICENCE],
        "sources": [_source(base_url)],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": table.filename("csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [LICENCE],
                "schema": table_schema(table),
            }
            for table in TABLES.values()
        ],
    }


def datapackage_zip(*, base_url: str = "", generated_at: dt.datetime | None = None) -> bytes:
    """The data package as zip bytes: datapackage.json, practices.csv, organisations.csv."""
    generated_at = generated_at or timezone.now()
    stamp = generated_at.astimezone(dt.UTC).timetuple()[:6]
    members = {
        "datapackage.json": json.dumps(
            datapackage_descriptor(base_url=base_url, generated_at=generated_at),
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    }
    for table in TABLES.values():
        members[table.filename("csv")] = rows_to_csv(table, table.rows(base_url=base_url))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
