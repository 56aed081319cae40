"""API authentication: `Authorization: Bearer <token>` for writes (tokens from the account page)."""

from ninja.security import HttpBearer

from migrationhub.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def request_user(request):
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
