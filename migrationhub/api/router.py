"""The /api/v1 assembly: one NinjaAPI, each app contributing a Router from its api.py, and the
open data of every app from the kernel's registry (`api/open_data.py`)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI

from migrationhub.core.throttling import AnonThrottle, TokenThrottle
from migrationhub.fund.api import router as fund_router
from migrationhub.hub.api import router as hub_router
from migrationhub.knowledge.api import router as knowledge_router
from migrationhub.organisations.api import router as organisations_router
from migrationhub.partnerships.api import pledge_router
from migrationhub.partnerships.api import router as partnerships_router
from migrationhub.remittances.api import router as remittances_router
from migrationhub.review.api import router as review_router
from migrationhub.taxonomy.api import router as taxonomy_router

from . import errors, open_data
from .parser import CheckedJSONParser

NO_NUL = "^[^\\u0000]*$"


class MigrationhubAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also states what the edge refuses, so that a client
    generated from it never sends what the server rejects: no text parameter may hold a NUL
    character (core.middleware refuses them)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _forbid_nul(parameter.get("schema", {}))
        return schema


def _forbid_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("items", "anyOf"):
        value = schema.get(key)
        for child in value if isinstance(value, list) else [value] if value else []:
            _forbid_nul(child)


api = MigrationhubAPI(
    title="MigrationHub API",
    version="1",
    description=(
        "Open data and services of MigrationHub: the global knowledge platform of migration-"
        "governance practices, the directory of organisations, remittance prices, the registry "
        "of partnerships and pledges, and the reference vocabularies (GCM objectives and guiding principles, SDGs, UN M49). Reads are "
        "public; writes need `Authorization: Bearer <token>`. Errors are `{code, message, fields}`."
    ),
    urls_namespace="api",
    parser=CheckedJSONParser(),
    # Per client, counted in the shared cache (Redis in production): generous for people and
    # scripts, a ceiling for scrapers. Bulk needs have the open-data files.
    throttle=[
        AnonThrottle(settings.MIGRATIONHUB_API_ANON_RATE),
        TokenThrottle(settings.MIGRATIONHUB_API_USER_RATE),
    ],
)
errors.install(api)
api.add_router("/reference/", taxonomy_router)
api.add_router("/organisations/", organisations_router)
api.add_router("/practices/", knowledge_router)
api.add_router("/open-data/", open_data.mount())
api.add_router("/remittances/", remittances_router)
api.add_router("/partnerships/", partnerships_router)
api.add_router("/pledges/", pledge_router)
api.add_router("/hub/", hub_router)
api.add_router("/fund/", fund_router)
api.add_router("/review/", review_router)


@api.get(
    "/",
    summary="The API's index: where everything is",
    operation_id="api_index",
    tags=["index"],
)
def index(request: HttpRequest) -> dict[str, Any]:
    base = request.build_absolute_uri("/api/v1/")
    return {
        "name": "MigrationHub API",
        "version": api.version,
        "openapi": base + "openapi.json",
        "docs": base + "docs",
        "resources": {
            "reference": base + "reference/objectives",
            "practices": base + "practices/",
            "organisations": base + "organisations/",
            "remittances": base + "remittances/corridors/",
            "partnerships": base + "partnerships/",
            "pledges": base + "pledges/",
            "open_data": base + "open-data/",
        },
    }
