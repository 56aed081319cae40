"""The one place where errors become API responses: `{code, message, fields}`."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from migrationhub.core.errors import ApplicationError, Code

# Parts of a validation error's location that name where the value came from, not which field.
_SOURCES = ("body", "query", "path", "payload", "filters")


E = TypeVar("E", bound=Exception)


def _on(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # ninja's annotation wants handlers of `E | type[E]`; they are only ever called with an E.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


def _body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return respond(request, _body(exc.code, exc.message, exc.fields), exc.status)

    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = [str(p) for p in error.get("loc", []) if p not in _SOURCES]
            fields.setdefault(".".join(loc) or "request", []).append(error.get("msg", "invalid"))
        body = _body(Code.VALIDATION_FAILED, _("The request is not valid."), fields)
        return respond(request, body, 422)

    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = _body(Code.UNAUTHORIZED, _("A valid API token is required."))
        return respond(request, body, 401)

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(
            request, _body(Code.RATE_LIMITED, _("Too many requests: slow down.")), 429
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps what the body parser raised ("Cannot parse request body"): our parser's
        # own errors (api/parser.py) say precisely what is wrong, so they are answered as raised.
        if isinstance(exc.__cause__, ApplicationError):
            return application_error(request, exc.__cause__)
        return respond(request, _body(Code.HTTP_ERROR, str(exc)), exc.status_code)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        body = _body(Code.PAYLOAD_TOO_LARGE, _("The request body is too large."))
        return respond(request, body, 413)

    _on(api, ApplicationError, application_error)
    _on(api, NinjaValidationError, validation_error)
    _on(api, AuthenticationError, authentication_error)
    _on(api, Throttled, throttled)
    _on(api, HttpError, http_error)
    _on(api, RequestDataTooBig, too_big)
