"""Who may see, edit and review a practice. Views, API and services fetch through these."""

from typing import Any

from django.utils.translation import gettext as _

from migrationhub.accounts.permissions import is_internal_reviewer, is_platform_admin
from migrationhub.core.errors import NotFound, PermissionDenied
from migrationhub.organisations.permissions import organisation_ids_of

from .models import Practice


def _involved_org_ids(practice: Practice) -> set[int]:
    involved = {practice.organisation_id, *practice.organisations.values_list("pk", flat=True)}
    return {pk for pk in involved if pk is not None}


def has_conflict_by_membership(user: Any, practice: Practice) -> bool:
    """A user belonging to the submitting or any involved organisation may not review it."""
    return bool(organisation_ids_of(user) & _involved_org_ids(practice))


def can_edit(user: Any, practice: Practice) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or practice.organisation_id in organisation_ids_of(user)


def can_view(user: Any, practice: Practice) -> bool:
    if practice.status == Practice.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if can_edit(user, practice):
        return True
    return practice.assignments.filter(reviewer=user).exists()


def require_editor(user: Any, practice: Practice) -> None:
    if not can_edit(user, practice):
        raise PermissionDenied(_("Only members of the submitting organisation may do this."))


def require_review_coordinator(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise PermissionDenied(_("Only platform administrators assign reviewers."))


def practice_for(user: Any, practice: Practice | None) -> Practice:
    """The practice if `user` may see it; otherwise NotFound (never reveal unpublished work)."""
    if practice is None or not can_view(user, practice):
        raise NotFound(_("No such practice."))
    return practice


def can_review_translation(user: Any, practice: Practice) -> bool:
    """One internal reviewer (the platform's review team) or platform admin suffices to approve
    a translation of a published practice, unless they belong to an organisation involved
    (ADR 0004)."""
    if not (is_internal_reviewer(user) or is_platform_admin(user)):
        return False
    return not has_conflict_by_membership(user, practice)


def require_translation_reviewer(user: Any, practice: Practice) -> None:
    if not can_review_translation(user, practice):
        raise PermissionDenied(
            _(
                "Only internal reviewers and platform administrators outside the organisations "
                "involved review translations."
            )
        )


def can_curate_evidence(user: Any) -> bool:
    """Curators of the evidence library (confirm or remove the tagger's suggestions): platform
    admins and internal reviewers."""
    return bool(getattr(user, "is_authenticated", False)) and (
        is_platform_admin(user) or is_internal_reviewer(user)
    )


def require_curator(user: Any) -> None:
    if not can_curate_evidence(user):
        raise PermissionDenied(_("Only curators of the evidence library may do this."))
