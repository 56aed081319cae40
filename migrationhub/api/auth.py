"""API authentication: `Authorization: Bearer <token>` for writes (tokens from the account page)."""

from ninja.security import HttpBearer

from migrationhub.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
