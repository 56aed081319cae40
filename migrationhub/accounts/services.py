"""Account writes: users, platform roles and API tokens."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.core import audit
from migrationhub.core.errors import Conflict, NotFound, ValidationFailed
from migrationhub.core.tasks import notify_on_commit

from . import permissions
from .errors import Code
from .models import ApiToken, User


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    reviewer_role: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """A new user (sign-up itself goes through allauth; this is for the CLI, imports, tests)."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationFailed(
            _("A valid e-mail address is required."), fields={"email": [_("invalid")]}
        )
    if User.objects.filter(email=email).exists():
        raise ValidationFailed(
            _("This e-mail address is already registered."),
            fields={"email": [_("already registered")]},
        )
    return User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name,
        reviewer_role=reviewer_role,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )


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
    """Revoke one of the user's own tokens; another user's token is, to them, not found."""
    revoked = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise NotFound(_("No such token."))


REVIEWER_ROLE_ACTIONS = ("reviewer_role.grant", "reviewer_role.withdraw")


@transaction.atomic
def reviewer_role_grant(*, actor: Any, user: User, role: str) -> User:
    """Make `user` an internal (platform review team) or external (peer expert) reviewer, or
    change which; only platform admins may. Audited, and the user is told by e-mail."""
    permissions.require_platform_admin(actor)
    if role not in (User.INTERNAL, User.EXTERNAL):
        raise ValidationFailed(
            _("Unknown reviewer role."),
            fields={"role": [_("unknown: %(codes)s") % {"codes": role}]},
            code=Code.UNKNOWN_REVIEWER_ROLE,
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    previous = user.reviewer_role
    user.reviewer_role = role
    user.save(update_fields=["reviewer_role"])
    audit.record(
        actor=actor, action="reviewer_role.grant", target=user, role=role, previous=previous
    )
    notify_on_commit(
        lambda: _("[MigrationHub] You are now a reviewer"),
        lambda: (
            _(
                "A platform administrator made you a reviewer (%(role)s) on MigrationHub. Practices "
                "you are assigned to appear in your review queue."
            )
            % {"role": user.get_reviewer_role_display()}
        ),
        [user.email],
    )
    return user


@transaction.atomic
def reviewer_role_withdraw(*, actor: Any, user: User, reason: str = "") -> User:
    """Withdraw `user`'s reviewer role; only platform admins may. Their past decisions stay; they
    can no longer be assigned, nor decide (review_decide checks the role)."""
    permissions.require_platform_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.reviewer_role:
        raise Conflict(_("This user is not a reviewer."), code=Code.NOT_A_REVIEWER)
    previous = user.reviewer_role
    user.reviewer_role = ""
    user.save(update_fields=["reviewer_role"])
    audit.record(
        actor=actor,
        action="reviewer_role.withdraw",
        target=user,
        reason=reason.strip(),
        previous=previous,
    )
    notify_on_commit(
        lambda: _("[MigrationHub] Your reviewer role was withdrawn"),
        lambda: _("A platform administrator withdrew your reviewer role on MigrationHub."),
        [user.email],
    )
    return user


@transaction.atomic
def fund_role_set(*, actor: Any, user: User, role: str) -> User:
    """Make `user` a fund manager or a steering committee member of the start-up fund, or
    neither (""); only platform admins may. One role at most: who checks a proposal does not
    also decide on it. Audited."""
    permissions.require_platform_admin(actor)
    if role not in ("", User.FUND_MANAGER, User.FUND_COMMITTEE):
        raise ValidationFailed(
            _("Unknown fund role."),
            fields={"role": [_("unknown: %(codes)s") % {"codes": role}]},
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    previous = user.fund_role
    user.fund_role = role
    user.save(update_fields=["fund_role"])
    audit.record(actor=actor, action="fund_role.set", target=user, role=role, previous=previous)
    return user


@transaction.atomic
def hub_curator_grant(*, actor: Any, user: User) -> User:
    """Make `user` a hub curator (screens support requests, proposes partners); only platform
    admins may. Audited."""
    permissions.require_platform_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_hub_curator = True
    user.save(update_fields=["is_hub_curator"])
    audit.record(actor=actor, action="hub_curator.grant", target=user)
    return user


@transaction.atomic
def hub_curator_withdraw(*, actor: Any, user: User, reason: str = "") -> User:
    """Withdraw `user`'s hub curator role; only platform admins may. Their past screenings and
    proposals stay."""
    permissions.require_platform_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_hub_curator:
        raise Conflict(_("This user is not a hub curator."), code=Code.NOT_A_HUB_CURATOR)
    user.is_hub_curator = False
    user.save(update_fields=["is_hub_curator"])
    audit.record(actor=actor, action="hub_curator.withdraw", target=user, reason=reason.strip())
    return user
