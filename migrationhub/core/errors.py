"""One error family for every rule a service enforces.

Services raise these; the API maps them in one place (`migrationhub.api.errors`) to
`{code, message, fields}` and pages show them as form errors (`core.forms.add_service_errors`).
`code` is stable: clients rely on it. Each app declares its own codes once, in its `errors.py`
(a `Code` enumeration), and passes them as `code=`; messages are translated (gettext) where they
are raised, in the language of the request.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """The codes of the kernel, shared by every app."""

    APPLICATION_ERROR = "application_error"
    VALIDATION_FAILED = "validation_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IMPORT_FAILED = "import_failed"
    UNAUTHORIZED = "unauthorized"
    RATE_LIMITED = "rate_limited"
    HTTP_ERROR = "http_error"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SERVICE_UNAVAILABLE = "service_unavailable"


class ApplicationError(Exception):
    code: str = Code.APPLICATION_ERROR
    status = 400

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = fields or {}
        if code:
            self.code = str(code)


class ValidationFailed(ApplicationError):
    code: str = Code.VALIDATION_FAILED
    status = 422


class PermissionDenied(ApplicationError):
    code: str = Code.PERMISSION_DENIED
    status = 403


class NotFound(ApplicationError):
    code: str = Code.NOT_FOUND
    status = 404


class Conflict(ApplicationError):
    code: str = Code.CONFLICT
    status = 409
