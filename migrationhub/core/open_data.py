"""The open-data registry: each app declares its tables once, and every format comes from that.

An app lists what it publishes in `<app>/exports.py`: `TABLES` (each a `Table` of `Column`s and a
`rows` function) and `PACKAGES` (Frictionless data packages made of tables, its own or other
apps'). From those declarations alone, this module writes

- CSV: UTF-8 without a byte-order mark, RFC 4180 quoting, one row per record, multi-valued cells
  joined by ";", booleans `true`/`false`, dates ISO 8601 (datetimes in UTC, `...Z`), decimals in
  plain notation, missing values empty. Text cells that a spreadsheet would run as a formula
  (starting with `=`, `+`, `-`, `@`, tab or carriage return) are prefixed with `'`, as OWASP
  recommends against CSV injection; numbers, dates and codes are never altered. JSON keeps the
  original text.
- HXL CSV: the same, with the row of HXL hashtags under the header (core HXL 1.1 only, data/hxl/;
  an empty cell where no core hashtag fits).
- JSON: `{"name", "title", "source", "licence", "generated_at", "count", "items"}`, so licence and
  provenance travel with the file; multi-valued fields are arrays.
- Frictionless data packages (Data Package v1): a zip of `datapackage.json`, with a Table Schema
  per table (types, constraints, primary and foreign keys), and one CSV per table.

The API (`api/open_data.py`) serves them all at `/api/v1/open-data/`, and `migrationhub export`
writes them; a new app adds declarations, never a code path. Columns are chosen one by one, never
derived from models: nothing personal is published unless a column says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

SEPARATOR = ";"
FORMATS = ("csv", "json", "hxl")
SUFFIXES = {"csv": ".csv", "json": ".json", "hxl": ".hxl.csv"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "json": "application/json",
    "datapackage": "application/zip",
}
DATAPACKAGE_SUFFIX = ".datapackage.zip"
ALL = "all"  # the package of every table
SLUG_PATTERN = "[-a-zA-Z0-9_]+"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Licence:
    name: str
    title: str
    path: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "path": self.path}


CC_BY_4 = Licence(
    "CC-BY-4.0",
    "Creative Commons Attribution 4.0 International",
    "https://creativecommons.org/licenses/by/4.0/",
)
MIGRATIONHUB_SOURCE = (
    "MigrationHub: the global knowledge platform of the Global Compact for Migration"
)


@dataclass(frozen=True)
class Column:
    """One published field: its name in every format, its Table Schema type and HXL hashtag.

    `codes` returns the allowed codes of a reference vocabulary (an enum in the Table Schema, a
    pattern of enums for multi-valued columns); `pattern` constrains free codes instead.
    """

    name: str
    type: str  # Table Schema: string, integer, number, boolean, date, datetime
    description: str
    hxl: str = ""
    multiple: bool = False  # an array in JSON, codes joined by ";" in CSV
    required: bool = False
    codes: Callable[[], list[str]] | None = None
    pattern: str = ""
    format: str = ""
    constraints: tuple[tuple[str, object], ...] = ()

    @property
    def is_text(self) -> bool:
        return self.type == "string"


URL_COLUMN = Column(
    "url",
    "string",
    "Address of the record's page on MigrationHub (a path when exported without a base URL).",
    hxl="#meta+url",
    required=True,
)


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    table: str
    table_fields: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "fields": self.fields,
            "reference": {"resource": self.table, "fields": self.table_fields},
        }


@dataclass(frozen=True)
class Table:
    """A published table: `rows(base_url=...)` yields one mapping per record, with Python values
    (str, int, Decimal, bool, date, datetime, lists of codes, None) that the writers format."""

    name: str  # unique on the platform; the file name's stem
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[..., Iterable[Row]]
    primary_key: tuple[str, ...] = ("slug",)
    foreign_keys: tuple[ForeignKey, ...] = ()
    source: str = MIGRATIONHUB_SOURCE
    source_path: str = ""
    licence: Licence = CC_BY_4

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def filename(self, fmt: str) -> str:
        return f"{self.name}{SUFFIXES[fmt]}"


@dataclass(frozen=True)
class Package:
    """A Frictionless data package: tables (by name, from any app) published together, so that
    foreign keys between them hold inside the package."""

    name: str
    title: str
    description: str
    tables: tuple[str, ...]
    keywords: tuple[str, ...] = ("migration", "GCM", "Global Compact for Migration")
    licence: Licence = CC_BY_4

    @property
    def filename(self) -> str:
        # The package of every table keeps the address it has always had.
        return "datapackage.zip" if self.name == ALL else f"{self.name}{DATAPACKAGE_SUFFIX}"


@dataclass
class Registry:
    """Every table and package the installed apps declare, in INSTALLED_APPS order."""

    tables: dict[str, Table] = field(default_factory=dict)
    packages: dict[str, Package] = field(default_factory=dict)


_registry: Registry | None = None


def registry() -> Registry:
    """The declarations of every installed MigrationHub app's `exports` module (read once)."""
    global _registry
    if _registry is None:
        found = Registry()
        for config in apps.get_app_configs():
            if not config.name.startswith("migrationhub."):
                continue
            try:
                module = import_module(f"{config.name}.exports")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.exports":
                    raise
                continue
            for table in getattr(module, "TABLES", ()):
                if table.name in found.tables or table.name == ALL:
                    raise ValueError(f"open-data table {table.name!r} is declared twice")
                found.tables[table.name] = table
            for package in getattr(module, "PACKAGES", ()):
                found.packages[package.name] = package
        for package in found.packages.values():
            unknown = set(package.tables) - set(found.tables)
            if unknown:
                raise ValueError(f"package {package.name!r} names unknown tables {sorted(unknown)}")
        found.packages[ALL] = Package(
            name=ALL,
            title="MigrationHub: all open data",
            description="Every table MigrationHub publishes, in one package.",
            tables=tuple(found.tables),
        )
        _registry = found
    return _registry


def table(name: str) -> Table:
    return registry().tables[name]


def package(name: str) -> Package:
    return registry().packages[name]


# --- values ----------------------------------------------------------------------------------


def page_url(view: str, base_url: str = "", **kwargs: Any) -> str:
    """The address of a record's page in the default language (no language prefix: the
    canonical address); absolute when `base_url` is given, site-relative otherwise."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(view, kwargs=kwargs)
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value: Any) -> Any:
    """A JSON-ready value: dates ISO 8601, datetimes UTC, decimals as numbers."""
    if isinstance(value, dt.datetime):
        return utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return utc(value) or ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def neutralise_formula(text: str) -> str:
    """`text` made inert for spreadsheets (OWASP, CSV injection): a leading `'` where the cell
    would otherwise be read as a formula."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(column: Column, value: Any) -> str:
    text = SEPARATOR.join(_text(v) for v in value or ()) if column.multiple else _text(value)
    return neutralise_formula(text) if column.is_text else text


# --- CSV, HXL and JSON -------------------------------------------------------------------------


def csv_writer(out: io.StringIO) -> Any:
    """The one CSV dialect the platform writes: RFC 4180 quoting, CRLF line ends."""
    return csv.writer(out)


def write_csv(tbl: Table, rows: Iterable[Row], *, hxl: bool = False) -> str:
    """CSV text of `rows`; with `hxl`, the HXL hashtag row follows the header."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(tbl.column_names)
    if hxl:
        writer.writerow([c.hxl for c in tbl.columns])
    for row in rows:
        writer.writerow([csv_cell(c, row[c.name]) for c in tbl.columns])
    return out.getvalue()


def _source(tbl: Table | None, base_url: str) -> dict[str, str]:
    if tbl is not None and tbl.source != MIGRATIONHUB_SOURCE:
        return {"title": tbl.source, **({"path": tbl.source_path} if tbl.source_path else {})}
    return {"title": MIGRATIONHUB_SOURCE, **({"path": base_url} if base_url else {})}


def write_json(tbl: Table, rows: Iterable[Row], *, base_url: str, generated_at: dt.datetime) -> str:
    items = [
        {
            c.name: [_scalar(v) for v in row[c.name] or ()] if c.multiple else _scalar(row[c.name])
            for c in tbl.columns
        }
        for row in rows
    ]
    document = {
        "name": tbl.name,
        "title": tbl.title,
        "source": _source(tbl, base_url),
        "licence": tbl.licence.as_dict(),
        "generated_at": utc(generated_at),
        "count": len(items),
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_text(
    name: str, fmt: str, *, base_url: str = "", generated_at: dt.datetime | None = None
) -> str:
    """Table `name` as `fmt` (csv, json or hxl)."""
    tbl = table(name)
    rows = tbl.rows(base_url=base_url)
    if fmt == "json":
        return write_json(tbl, rows, base_url=base_url, generated_at=generated_at or timezone.now())
    if fmt in ("csv", "hxl"):
        return write_csv(tbl, rows, hxl=fmt == "hxl")
    raise ValueError(f"unknown format {fmt!r}")


# --- Frictionless data packages ------------------------------------------------------------------


def _field(column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": column.name, "description": column.description}
    constraints: dict[str, Any] = dict(column.constraints)
    if column.required:
        constraints["required"] = True
    codes = column.codes() if column.codes else None
    if column.multiple:
        # Table Schema v1 has no list type: a ";"-joined string whose every item is checked.
        spec["type"] = "string"
        item = column.pattern or "|".join(re.escape(c) for c in codes or [])
        if item:
            constraints["pattern"] = f"(?:{item})(?:{SEPARATOR}(?:{item}))*"
    else:
        spec["type"] = column.type
        if codes is not None:
            constraints["enum"] = codes
        elif column.pattern:
            constraints["pattern"] = column.pattern
        if column.type == "datetime":
            spec["format"] = "%Y-%m-%dT%H:%M:%SZ"
    if column.format:
        spec["format"] = column.format
    if constraints:
        spec["constraints"] = constraints
    if column.hxl:
        spec["hxl"] = column.hxl  # not part of Table Schema; kept for HXL-aware readers
    return spec


def table_schema(tbl: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in tbl.columns],
        "primaryKey": list(tbl.primary_key),
        "missingValues": [""],
    }
    if tbl.foreign_keys:
        schema["foreignKeys"] = [fk.as_dict() for fk in tbl.foreign_keys]
    return schema


def datapackage_descriptor(
    pkg: Package, *, base_url: str = "", generated_at: dt.datetime
) -> dict[str, Any]:
    tables = [table(name) for name in pkg.tables]
    sources = [_source(None, base_url)]
    for tbl in tables:
        source = _source(tbl, base_url)
        if source not in sources:
            sources.append(source)
    return {
        "profile": "tabular-data-package",
        "name": "migrationhub" if pkg.name == ALL else f"migrationhub-{pkg.name}",
        "title": pkg.title,
        "description": pkg.description,
        **({"homepage": base_url} if base_url else {}),
        "created": utc(generated_at),
        "keywords": list(pkg.keywords),
        "licenses": [pkg.licence.as_dict()],
        "sources": sources,
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": tbl.name,
                "title": tbl.title,
                "description": tbl.description,
                "path": tbl.filename("csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [tbl.licence.as_dict()],
                "sources": [_source(tbl, base_url)],
                "schema": table_schema(tbl),
            }
            for tbl in tables
        ],
    }


def datapackage_zip(
    name: str, *, base_url: str = "", generated_at: dt.datetime | None = None
) -> bytes:
    """Package `name` as zip bytes: datapackage.json and one CSV per table."""
    pkg = package(name)
    generated_at = generated_at or timezone.now()
    stamp = generated_at.astimezone(dt.UTC).timetuple()[:6]
    descriptor = datapackage_descriptor(pkg, base_url=base_url, generated_at=generated_at)
    members = {"datapackage.json": json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"}
    for tbl in (table(n) for n in pkg.tables):
        members[tbl.filename("csv")] = write_csv(tbl, tbl.rows(base_url=base_url))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            info = zipfile.ZipInfo(member, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --- JSON Schema of a table's JSON file (for the OpenAPI document) -------------------------------

_JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def json_schema(tbl: Table) -> dict[str, Any]:
    """The JSON Schema of `tbl`'s JSON file, derived from its columns."""
    properties: dict[str, Any] = {}
    for column in tbl.columns:
        item: dict[str, Any] = {**_JSON_TYPES[column.type], "description": column.description}
        if column.multiple:
            properties[column.name] = {"type": "array", "items": _JSON_TYPES[column.type]}
            properties[column.name]["description"] = column.description
        elif column.required:
            properties[column.name] = item
        else:
            properties[column.name] = {"anyOf": [item, {"type": "null"}]}
    return {
        "type": "object",
        "required": ["name", "source", "licence", "generated_at", "count", "items"],
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "source": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string"}, "path": {"type": "string"}},
            },
            "licence": {
                "type": "object",
                "required": ["name", "title", "path"],
                "properties": {k: {"type": "string"} for k in ("name", "title", "path")},
            },
            "generated_at": {"type": "string", "format": "date-time"},
            "count": {"type": "integer"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": tbl.column_names,
                    "properties": properties,
                },
            },
        },
    }


def files() -> Iterator[tuple[Table, str]]:
    """Every (table, format) download, in declaration order."""
    for tbl in registry().tables.values():
        for fmt in FORMATS:
            yield tbl, fmt
