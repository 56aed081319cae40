"""The committed OpenAPI document (docs/reference/openapi.json): written by
`migrationhub manage api_openapi --write`, and a test fails when the API drifts from it, so every
API change is reviewed as a change of the published contract."""

import json
from pathlib import Path

from django.conf import settings

DOCUMENT = Path(settings.REPO_DIR) / "docs" / "reference" / "openapi.json"


def current() -> str:
    from .router import api

    return (
        json.dumps(
            api.get_openapi_schema(path_prefix="/api/v1/"),
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )


def committed() -> str:
    return DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
