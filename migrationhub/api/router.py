"""The /api/v1 assembly: one NinjaAPI, each app contributing a Router from its api.py, and the
open data of every app from the kernel's registry (`api/open_data.py`)."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from migrationhub.knowledge.api import router as knowledge_router
from migrationhub.organisations.api import router as organisations_router
from migrationhub.remittances.api import router as remittances_router
from migrationhub.taxonomy.api import router as taxonomy_router

from . import errors, open_data
from .parser import CheckedJSONParser

api = NinjaAPI(
    title="MigrationHub API",
    version="1",
    description=(
        "Open data and services of MigrationHub: the global knowledge platform of migration-"
        "governance practices, the directory of organisations, remittance prices, and the "
        "reference vocabularies (GCM objectives and guiding principles, SDGs, UN M49). Reads are "
        "public; writes need `Authorization: Bearer <token>`. Errors are `{code, message, fields}`."
    ),
    urls_namespace="api",
    parser=CheckedJSONParser(),
    # Per client, counted in the shared cache (Redis in production): generous for people and
    # scripts, a ceiling for scrapers. Bulk needs have the open-data files.
    throttle=[
        AnonRateThrottle(settings.MIGRATIONHUB_API_ANON_RATE),
        AuthRateThrottle(settings.MIGRATIONHUB_API_USER_RATE),
    ],
)
errors.install(api)
api.add_router("/reference/", taxonomy_router)
api.add_router("/organisations/", organisations_router)
api.add_router("/practices/", knowledge_router)
api.add_router("/open-data/", open_data.mount())
api.add_router("/remittances/", remittances_router)
