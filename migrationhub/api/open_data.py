"""Bulk open data over the API, for every table and package the apps declare (`core.open_data`).

`GET /api/v1/open-data/` lists them; each table is served as `<table>.csv`, `<table>.json` and
`<table>.hxl.csv`, each package as `<package>.datapackage.zip` (`all.datapackage.zip` holds every
table). Public, read-only, downloadable: each response names its file (`Content-Disposition`) and
may be fetched from any origin, since it holds nothing that is not already public.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema

from migrationhub.core import open_data

router = Router(tags=["open data"])

_CSV_NOTE = (
    "UTF-8, one row per record; multi-valued fields hold codes separated by `;`; booleans "
    "`true`/`false`; dates ISO 8601 (datetimes in UTC); text that a spreadsheet would run as a "
    "formula starts with `'`."
)
_HXL_NOTE = " The second row holds the HXL 1.1 hashtags; untagged columns have an empty cell there."
_LABELS = {"csv": "CSV", "json": "JSON", "hxl": "HXL-tagged CSV"}


class OpenDataFileOut(Schema):
    format: str
    url: str


class OpenDataTableOut(Schema):
    name: str
    title: str
    description: str
    columns: list[str]
    files: list[OpenDataFileOut]


class OpenDataPackageOut(Schema):
    name: str
    title: str
    description: str
    tables: list[str]
    url: str


class OpenDataIndexOut(Schema):
    licence: str
    tables: list[OpenDataTableOut]
    packages: list[OpenDataPackageOut]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _download(content: str | bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=open_data.MEDIA_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get(
    "/",
    response=OpenDataIndexOut,
    summary="Every open-data table and data package, with their download addresses",
    operation_id="open_data_index",
)
def open_data_index(request: HttpRequest) -> dict[str, Any]:
    here = request.build_absolute_uri(request.path)
    registry = open_data.registry()
    return {
        "licence": open_data.CC_BY_4.name,
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "columns": t.column_names,
                "files": [{"format": f, "url": here + t.filename(f)} for f in open_data.FORMATS],
            }
            for t in registry.tables.values()
        ],
        "packages": [
            {
                "name": p.name,
                "title": p.title,
                "description": p.description,
                "tables": list(p.tables),
                "url": here + p.filename,
            }
            for p in registry.packages.values()
        ],
    }


def _file_route(table: open_data.Table, fmt: str) -> None:
    def endpoint(request: HttpRequest) -> HttpResponse:
        content = open_data.export_text(table.name, fmt, base_url=_base_url(request))
        return _download(content, fmt, table.filename(fmt))

    filename = table.filename(fmt)
    if fmt == "json":
        media, schema = "application/json", open_data.json_schema(table)
    else:
        media, schema = "text/csv", {"type": "string"}
    router.get(
        f"/{filename}",
        summary=f"{table.title}, as {_LABELS[fmt]}",
        description=table.description
        + ("" if fmt == "json" else " " + _CSV_NOTE + (_HXL_NOTE if fmt == "hxl" else "")),
        operation_id=f"open_data_{table.name.replace('-', '_')}_{fmt}",
        openapi_extra={
            "responses": {200: {"description": filename, "content": {media: {"schema": schema}}}}
        },
    )(endpoint)


def _package_route(package: open_data.Package) -> None:
    def endpoint(request: HttpRequest) -> HttpResponse:
        content = open_data.datapackage_zip(package.name, base_url=_base_url(request))
        return _download(content, "datapackage", package.filename)

    router.get(
        f"/{package.filename}",
        summary=f"{package.title}, as a Frictionless data package",
        description=f"{package.description} A zip of `datapackage.json` (Table Schemas with "
        "types, constraints, primary and foreign keys) and one CSV per table: "
        + ", ".join(f"`{name}.csv`" for name in package.tables)
        + ".",
        operation_id=f"open_data_{package.name}_datapackage",
        openapi_extra={
            "responses": {
                200: {
                    "description": package.filename,
                    "content": {
                        "application/zip": {"schema": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    )(endpoint)


def mount() -> Router:
    """Routes for every declared table and package (called once, by the API assembly)."""
    registry = open_data.registry()
    for table, fmt in open_data.files():
        _file_route(table, fmt)
    for package in registry.packages.values():
        _package_route(package)
    return router
