"""Account reads."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from migrationhub.core.models import AuditEvent

from .models import User


def reviewer_list(*, exclude_ids: Iterable[int] = ()) -> QuerySet[User]:
    """Active reviewers, internal first, by e-mail."""
    return (
        User.objects.filter(is_active=True)
        .exclude(reviewer_role="")
        .exclude(pk__in=list(exclude_ids))
        .order_by("reviewer_role", "email")
    )


def user_get(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def user_get_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower(), is_active=True).first()


def active_tokens(user: Any) -> QuerySet[Any]:
    return user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")


def verified_emails(user: Any) -> set[str]:
    """The addresses `user` has proved they own (allauth's confirmation), lower-cased."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def reviewer_role_events(limit: int = 100) -> QuerySet[AuditEvent]:
    """The latest grants and withdrawals of reviewer roles, newest first: who, to whom, when."""
    return AuditEvent.objects.filter(
        action__in=("reviewer_role.grant", "reviewer_role.withdraw")
    ).select_related("actor")[:limit]


def hub_curator_emails() -> list[str]:
    """Where to write about new support requests: the active hub curators (platform admins are
    curators too, but are written to only when no curator is named)."""
    curators = list(
        User.objects.filter(is_active=True, is_hub_curator=True).values_list("email", flat=True)
    )
    return curators or list(
        User.objects.filter(is_active=True, is_staff=True).values_list("email", flat=True)
    )
