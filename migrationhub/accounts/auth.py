"""API authentication: `Authorization: Bearer <token>` for writes (tokens from the account page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import User
from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def token_user(request: HttpRequest) -> User:
    """The user whose token authenticated this write (routes with `auth=TokenAuth()`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - ninja refuses the request before
        raise PermissionError("not authenticated by token")
    return user


def request_user(request: HttpRequest) -> Any:
    """The user a read is for: the bearer token's user if one is sent, else the session user.

    Reads are public, so a missing or wrong token is not an error here: it just sees public data.
    """
    if getattr(request, "auth", None):
        return request.auth
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = api_token_authenticate(header[7:].strip())
        if user is not None:
            return user
    return request.user
