"""Account writes: users and API tokens."""

from django.db import transaction
from django.utils import timezone

from migrationhub.core.errors import ValidationFailed

from .models import ApiToken, User


@transaction.atomic
def user_create(*, email: str, password: str | None = None, **fields) -> User:
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationFailed("A valid e-mail address is required.", fields={"email": ["invalid"]})
    if User.objects.filter(email=email).exists():
        raise ValidationFailed(
            "This e-mail address is already registered.", fields={"email": ["taken"]}
        )
    return User.objects.create_user(email=email, password=password, **fields)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear key, which is never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name[:100] or "token", prefix=key[3:11], key_hash=ApiToken.hash_key(key)
    )
    return token, key


def api_token_authenticate(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    ApiToken.objects.filter(user=user, pk=token_id).update(revoked_at=timezone.now())
