"""Who may do what to an organisation. Every protected write goes through these."""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.accounts.permissions import require_platform_admin
from migrationhub.core.errors import PermissionDenied

from .models import Membership, Organisation


def is_member(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def is_admin(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.ADMIN
    ).exists()


def organisation_ids_of(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def require_admin(user: Any, organisation: Organisation) -> None:
    if not is_admin(user, organisation):
        raise PermissionDenied(_("Only an administrator of this organisation may do this."))


def require_member(user: Any, organisation: Organisation) -> None:
    if not (is_member(user, organisation) or getattr(user, "is_staff", False)):
        raise PermissionDenied(_("Only members of this organisation may do this."))


def require_verifier(user: Any) -> None:
    """Verifying an organisation (or withdrawing it) is for platform admins only: never its own
    admins, who are the ones making the claim (ADR 0004)."""
    require_platform_admin(user)
