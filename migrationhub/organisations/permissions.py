"""Who may do what to an organisation. Every protected write goes through these."""

from migrationhub.core.errors import PermissionDenied

from .models import Membership, Organisation


def is_member(user, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def is_admin(user, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.ADMIN
    ).exists()


def organisation_ids_of(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def require_admin(user, organisation: Organisation) -> None:
    if not is_admin(user, organisation):
        raise PermissionDenied("Only an administrator of this organisation may do this.")


def require_member(user, organisation: Organisation) -> None:
    if not (is_member(user, organisation) or getattr(user, "is_staff", False)):
        raise PermissionDenied("Only members of this organisation may do this.")
