"""Unknown query parameters are an error, not silently ignored.

`?period=2013Q1` on an endpoint that calls it `quarter` used to return every quarter: the client
believed it had filtered. Every API request's query parameters are checked against those its
operation declares in the OpenAPI document (read once per process); an unknown one is a 422 that
names it and lists the known ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from migrationhub.core.errors import Code

PREFIX = "/api/v1/"


@cache
def _operations() -> list[tuple[re.Pattern[str], str, frozenset[str]]]:
    from .router import api

    schema = api.get_openapi_schema(path_prefix=PREFIX)
    found = []
    for template, operations in schema["paths"].items():
        pieces = re.split(r"\{[^/}]+\}", template)  # the text between path parameters
        pattern = re.compile("^" + "[^/]+".join(re.escape(p) for p in pieces) + "$")
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            found.append((pattern, method.upper(), frozenset(names)))
    return found


def declared_parameters(method: str, path: str) -> frozenset[str] | None:
    """The query parameters the operation at (`method`, `path`) declares; None if no operation
    matches (ninja answers those itself: 404 or 405)."""
    for pattern, op_method, names in _operations():
        if op_method == method and pattern.match(path):
            return names
    return None


class UnknownQueryParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX) and request.GET:
            known = declared_parameters(request.method or "GET", request.path)
            if known is not None:
                unknown = sorted(set(request.GET) - known)
                if unknown:
                    listed = ", ".join(sorted(known)) or _("none")
                    return JsonResponse(
                        {
                            "code": Code.VALIDATION_FAILED,
                            "message": _("Unknown query parameters: %(names)s.")
                            % {"names": ", ".join(unknown)},
                            "fields": {
                                name: [_("unknown parameter; known: %(known)s") % {"known": listed}]
                                for name in unknown
                            },
                        },
                        status=422,
                    )
        return self.get_response(request)
