"""The /api/v1 assembly: one NinjaAPI, each app contributing a Router from its api.py."""

from ninja import NinjaAPI

from migrationhub.knowledge.api import router as knowledge_router
from migrationhub.knowledge.open_data_api import router as open_data_router
from migrationhub.organisations.api import router as organisations_router
from migrationhub.taxonomy.api import router as taxonomy_router

from . import errors

api = NinjaAPI(
    title="MigrationHub API",
    version="1",
    description=(
        "Open data and services of MigrationHub: the global knowledge platform of migration-"
        "governance practices, the directory of organisations, and the reference vocabularies "
        "(GCM objectives and guiding principles, SDGs, UN M49). Reads are public; writes need "
        "`Authorization: Bearer <token>`. Errors are `{code, message, fields}`."
    ),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/reference/", taxonomy_router)
api.add_router("/organisations/", organisations_router)
api.add_router("/practices/", knowledge_router)
api.add_router("/open-data/", open_data_router)
