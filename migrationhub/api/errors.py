"""The one place where errors become API responses: `{code, message, fields}`."""

from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from migrationhub.core.errors import ApplicationError


def install(api) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(
            request,
            {"code": exc.code, "message": exc.message, "fields": exc.fields},
            status=exc.status,
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = [
                str(p)
                for p in error.get("loc", [])
                if p not in ("body", "query", "path", "payload", "filters")
            ]
            fields.setdefault(".".join(loc) or "request", []).append(error.get("msg", "invalid"))
        return api.create_response(
            request,
            {"code": "validation_failed", "message": "The request is not valid.", "fields": fields},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(
            request,
            {"code": "unauthorized", "message": "A valid API token is required.", "fields": {}},
            status=401,
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        response = api.create_response(
            request,
            {"code": "rate_limited", "message": "Too many requests: slow down.", "fields": {}},
            status=429,
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request,
            {"code": "http_error", "message": str(exc), "fields": {}},
            status=exc.status_code,
        )
