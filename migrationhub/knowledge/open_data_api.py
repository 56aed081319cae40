"""Bulk open data over the API: every published practice and every organisation as CSV, JSON,
HXL-tagged CSV and a Frictionless data package (`exports` builds them; this router serves them).

Public, read-only, downloadable: each response names its file (`Content-Disposition`) and may be
fetched from any origin, since it holds nothing that is not already public.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema

from . import exports

router = Router(tags=["open data"])

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
ZIP_TYPE = "application/zip"


class LicenceOut(Schema):
    name: str
    title: str
    path: str


class SourceOut(Schema):
    title: str
    path: str | None = None


class PracticeRecordOut(Schema):
    slug: str
    title: str
    summary: str
    body: str
    language: str
    organisation: str | None
    organisations: list[str]
    objectives: list[int]
    principles: list[str]
    areas: list[str]
    countries: list[str]
    regions: list[str]
    levels: list[str]
    stakeholder_types: list[str]
    period_start: int | None
    period_end: int | None
    results: str
    source: str
    published_at: dt.datetime | None
    last_verified_at: dt.date | None
    stale: bool
    url: str


class OrganisationRecordOut(Schema):
    slug: str
    name: str
    acronym: str
    stakeholder_type: str
    level: str
    home_country: str | None
    countries: list[str]
    objectives: list[int]
    languages: list[str]
    description: str
    website: str
    url: str


class PracticesDocumentOut(Schema):
    name: str
    source: SourceOut
    licence: LicenceOut
    generated_at: dt.datetime
    count: int
    items: list[PracticeRecordOut]


class OrganisationsDocumentOut(Schema):
    name: str
    source: SourceOut
    licence: LicenceOut
    generated_at: dt.datetime
    count: int
    items: list[OrganisationRecordOut]


def _file(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _text(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    content = exports.export_text(kind, fmt, base_url=_base_url(request))
    content_type = JSON_TYPE if fmt == "json" else CSV_TYPE
    return _file(content, content_type, exports.TABLES[kind].filename(fmt))


def _csv_doc(description: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    }


_CSV_NOTE = (
    "UTF-8, one row per record; multi-valued fields hold codes separated by `;`; booleans "
    "`true`/`false`; datetimes ISO 8601 in UTC. Licence: CC-BY-4.0."
)
_HXL_NOTE = (
    " The second row holds the HXL 1.1 hashtags (e.g. `#activity+code`, `#org+code`, "
    "`#sector+code` for GCM objectives, `#country+code`, `#date+start`, `#meta+url`); untagged "
    "columns have an empty cell."
)


_TABLES = {
    "practices": ("Every published practice", PracticesDocumentOut),
    "organisations": ("Every organisation", OrganisationsDocumentOut),
}


def _text_endpoint(kind: str, fmt: str):
    def endpoint(request):
        return _text(request, kind, fmt)

    endpoint.__name__ = f"{kind}_{fmt}"  # the OpenAPI operation id
    return endpoint


# One download per table and format: /practices.csv, /practices.json, /practices.hxl.csv, …
for _kind, (_what, _document) in _TABLES.items():
    router.get(
        f"/{_kind}.csv",
        summary=f"{_what}, as CSV",
        description=_CSV_NOTE,
        openapi_extra=_csv_doc(f"{_kind}.csv"),
    )(_text_endpoint(_kind, "csv"))
    router.get(
        f"/{_kind}.json",
        response=_document,
        summary=f"{_what}, as JSON",
        description="The items with their licence and source, multi-valued fields as arrays.",
    )(_text_endpoint(_kind, "json"))
    router.get(
        f"/{_kind}.hxl.csv",
        summary=f"{_what}, as HXL-tagged CSV",
        description=_CSV_NOTE + _HXL_NOTE,
        openapi_extra=_csv_doc(f"{_kind}.hxl.csv"),
    )(_text_endpoint(_kind, "hxl"))


@router.get(
    "/datapackage.zip",
    summary="Practices and organisations as a Frictionless data package",
    description="A zip of `datapackage.json` (Table Schemas with types, constraints, primary "
    "keys and the foreign key practices.organisation → organisations.slug), `practices.csv` "
    "and `organisations.csv`.",
    openapi_extra={
        "responses": {
            200: {
                "description": exports.DATAPACKAGE_FILENAME,
                "content": {ZIP_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def datapackage(request):
    return _file(
        exports.datapackage_zip(base_url=_base_url(request)),
        ZIP_TYPE,
        exports.DATAPACKAGE_FILENAME,
    )
