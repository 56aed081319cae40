"""Who may see, edit and review a practice. Views, API and services fetch through these."""

from migrationhub.core.errors import NotFound, PermissionDenied
from migrationhub.organisations.permissions import organisation_ids_of

from .models import Practice


def _involved_org_ids(practice: Practice) -> set[int]:
    return {practice.organisation_id, *practice.organisations.values_list("pk", flat=True)}


def has_conflict_by_membership(user, practice: Practice) -> bool:
    """A user belonging to the submitting or any involved organisation may not review it."""
    return bool(organisation_ids_of(user) & _involved_org_ids(practice))


def can_edit(user, practice: Practice) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or practice.organisation_id in organisation_ids_of(user)


def can_view(user, practice: Practice) -> bool:
    if practice.status == Practice.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if can_edit(user, practice):
        return True
    return practice.assignments.filter(reviewer=user).exists()


def require_editor(user, practice: Practice) -> None:
    if not can_edit(user, practice):
        raise PermissionDenied("Only members of the submitting organisation may do this.")


def require_review_coordinator(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise PermissionDenied("Only platform administrators assign reviewers.")


def practice_for(user, practice: Practice | None) -> Practice:
    """The practice if `user` may see it; otherwise NotFound (never reveal unpublished work)."""
    if practice is None or not can_view(user, practice):
        raise NotFound("No such practice.")
    return practice
