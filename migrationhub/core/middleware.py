"""Request hygiene shared by pages and API: who the client is, and what no request may carry."""

import contextlib
import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RejectNulBytesMiddleware:
    """Refuse requests whose path or query string contains NUL characters.

    No legitimate input contains them, and PostgreSQL refuses them in any string parameter:
    left through, they would turn a bad request into a server error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return JsonResponse(
                {
                    "code": "validation_failed",
                    "message": "The request contains NUL characters.",
                    "fields": {"request": ["NUL characters are not allowed"]},
                },
                status=422,
            )
        return self.get_response(request)


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


class ClientAddressMiddleware:
    """Make `REMOTE_ADDR` the client's address, for everything downstream (API throttles, sign-in
    lockouts, allauth's rate limits, logs).

    `X-Forwarded-For` is believed only as far as `MIGRATIONHUB_TRUSTED_PROXIES` reverse proxies
    vouch for it: with N proxies in front, each appends the address it received from, so the
    client is the N-th address from the right; anything to its left was written by the client and
    proves nothing. With no trusted proxy (the default) the forwarded headers are dropped, so a
    client cannot pick its own identity by rotating a header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.proxies = settings.MIGRATIONHUB_TRUSTED_PROXIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if self.proxies:
            addresses = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            addresses = [a for a in addresses if a]
            if len(addresses) >= self.proxies:
                client = addresses[-self.proxies]
                with contextlib.suppress(ValueError):  # not an address: keep the proxy's
                    meta["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


BUSY_RETRY_AFTER_SECONDS = 5
BUSY_MESSAGES = ("database is locked", "database table is locked", "could not obtain lock")


class DatabaseBusyMiddleware:
    """A writer that waited its bounded time for the database (SQLite's `busy_timeout` while a
    long import writes; a lock timeout on PostgreSQL) gets 503 with `Retry-After`, not a server
    error: nothing was written, and trying again shortly will work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import OperationalError
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        if not isinstance(exception, OperationalError):
            return None
        if not any(m in str(exception).lower() for m in BUSY_MESSAGES):
            return None
        message = _("The database is busy. Please try again in a few seconds.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"code": "service_unavailable", "message": message, "fields": {}}, status=503
            )
        else:
            response = render(request, "web/503.html", {"message": message}, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
