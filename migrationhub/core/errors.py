"""One error family for every rule a service enforces.

Services raise these; the API maps them in one place (`migrationhub.api.errors`) to
`{code, message, fields}` and pages show them as form errors. `code` is stable: clients rely on it.
"""


class ApplicationError(Exception):
    code = "application_error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
